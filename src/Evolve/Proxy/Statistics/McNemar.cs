namespace Evolve.Proxy.Statistics;

/// <summary>
/// McNemar's exact test for paired 0/1 outcomes: only discordant items (one right, the other wrong) carry
/// information, and under "no difference" each falls either way with probability ½.
/// </summary>
internal static class McNemar
{
    public static double ExactPValue(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int aOnly = 0, bOnly = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i]) aOnly++;
            else if (b[i] > a[i]) bOnly++;
        }
        return ExactPValue(aOnly, bOnly);
    }

    /// <summary>Two-sided: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped at 1.</summary>
    public static double ExactPValue(int aOnly, int bOnly)
    {
        var n = aOnly + bOnly;
        if (n == 0)
            return 1;
        var k = Math.Min(aOnly, bOnly);
        // log-space binomial terms keep n in the thousands exact enough
        double tail = 0;
        for (var i = 0; i <= k; i++)
            tail += Math.Exp(LogChoose(n, i) - n * Math.Log(2));
        return Math.Min(1, 2 * tail);
    }

    private static double LogChoose(int n, int k)
    {
        double sum = 0;
        for (var i = 1; i <= k; i++)
            sum += Math.Log(n - k + i) - Math.Log(i);
        return sum;
    }
}
