namespace Evolve.Proxy.Racing;

/// <summary>
/// Stops scoring a candidate once it cannot beat the incumbent's full-set mean, with confidence
/// <c>1 − delta</c> over all looks together.
/// <para>
/// Items are scored in a random order, so after k of N items the candidate's full-set mean C is bounded by the
/// Hoeffding–Serfling inequality for sampling without replacement (Serfling 1974; the form of Bardenet &amp; Maillard
/// 2015, Cor. 2.5): C ≤ mean_k + R·sqrt(ρ_k·ln(1/δ′) / (2k)), ρ_k = min(1 − (k−1)/N, (1 − k/N)(1 + 1/k)), R the
/// score range. The bound is checked every <see cref="LookEvery"/> items with δ′ = δ / (number of looks), a union
/// bound that keeps the overall error at δ however early the race stops. A second, certain rule stops when even the
/// best score on every remaining item could not lift the candidate past the incumbent.
/// </para>
/// </summary>
internal sealed class Race
{
    private readonly double _target;
    private readonly double _low;
    private readonly double _high;
    private readonly double _logInverseDelta;

    /// <param name="incumbentMean">The incumbent's mean over the full set of <paramref name="itemCount"/> items.</param>
    /// <param name="low">The lowest score an item can get.</param>
    /// <param name="high">The highest score an item can get.</param>
    public Race(double incumbentMean, int itemCount, double low, double high, double delta = 0.05, int lookEvery = 5, int minItems = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(high, low);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCount, 1);
        _target = incumbentMean;
        _low = low;
        _high = high;
        ItemCount = itemCount;
        LookEvery = lookEvery;
        MinItems = minItems;
        var looks = Math.Max(1, (itemCount - minItems) / lookEvery + 1);
        _logInverseDelta = Math.Log(looks / delta);
    }

    public int ItemCount { get; }
    public int LookEvery { get; }
    public int MinItems { get; }

    /// <summary>An upper bound on the candidate's full-set mean, from its scores on the first items of the order.</summary>
    public double UpperBound(ReadOnlySpan<double> scoresSoFar)
    {
        var k = scoresSoFar.Length;
        double sum = 0;
        foreach (var s in scoresSoFar) sum += Math.Clamp(s, _low, _high);
        var certain = (sum + (ItemCount - k) * _high) / ItemCount;
        if (k == 0 || k == ItemCount)
            return certain;
        var rho = Math.Min(1 - (k - 1.0) / ItemCount, (1 - (double)k / ItemCount) * (1 + 1.0 / k));
        var hoeffdingSerfling = sum / k + (_high - _low) * Math.Sqrt(rho * _logInverseDelta / (2.0 * k));
        return Math.Min(certain, hoeffdingSerfling);
    }

    /// <summary>True when the candidate, after these scores, can be dropped: it cannot beat the incumbent.</summary>
    public bool ShouldStop(ReadOnlySpan<double> scoresSoFar)
    {
        var k = scoresSoFar.Length;
        if (k < MinItems || k >= ItemCount || (k - MinItems) % LookEvery != 0)
            return false;
        return UpperBound(scoresSoFar) <= _target;
    }
}
