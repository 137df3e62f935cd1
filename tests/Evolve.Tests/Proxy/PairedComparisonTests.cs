using Evolve.Proxy.Statistics;

namespace Evolve.Tests.Proxy;

public class PairedComparisonTests
{
    [Theory]
    // 2·(C(12,0)+C(12,1)+C(12,2))/2^12 = 2·79/4096
    [InlineData(10, 2, 158.0 / 4096)]
    // 2·(1+5)/2^5 = 0.375
    [InlineData(1, 4, 0.375)]
    [InlineData(3, 3, 1.0)]
    [InlineData(0, 0, 1.0)]
    public void McNemar_exact_matches_the_binomial_tail(int aOnly, int bOnly, double expected) =>
        Assert.Equal(expected, McNemar.ExactPValue(aOnly, bOnly), 12);

    [Fact]
    public void Binary_scores_use_mcnemar_on_the_discordant_items()
    {
        // 100 items: both right on 60, A only on 10, B only on 2, both wrong on 28.
        var a = new double[100];
        var b = new double[100];
        for (var i = 0; i < 60; i++) a[i] = b[i] = 1;
        for (var i = 60; i < 70; i++) a[i] = 1;
        for (var i = 70; i < 72; i++) b[i] = 1;
        var comparison = PairedComparison.Of(a, b, seed: 5);
        Assert.Equal("mcnemar-exact", comparison.Test);
        Assert.Equal(0.08, comparison.Difference.Estimate, 12);
        Assert.Equal(158.0 / 4096, comparison.PValue, 12);
        Assert.True(comparison.AIsBetter());
        Assert.InRange(comparison.Difference.Low, 0.01, 0.05);
    }

    [Fact]
    public void Pairing_detects_a_small_consistent_gain_that_independent_intervals_miss()
    {
        // Item difficulty varies a lot (sd ≈ 1.4), A is better by exactly 0.05 on every item: the independent 95%
        // intervals overlap widely, the paired difference is exactly 0.05 with a degenerate interval.
        var b = Enumerable.Range(0, 80).Select(i => -2.0 + 2 * Math.Sin(i * 0.7)).ToArray();
        var a = b.Select(x => x + 0.05).ToArray();
        var comparison = PairedComparison.Of(a, b, seed: 9);
        Assert.Equal("paired-bootstrap", comparison.Test);
        Assert.Equal(0.05, comparison.Difference.Estimate, 12);
        Assert.Equal(0.05, comparison.Difference.Low, 12);
        Assert.True(comparison.PValue < 0.001);
        var ia = BootstrapInterval.OfMean(a, 1);
        var ib = BootstrapInterval.OfMean(b, 1);
        Assert.True(ia.Low < ib.High);
    }

    [Fact]
    public void No_difference_gives_a_large_p_value()
    {
        var a = Enumerable.Range(0, 60).Select(i => Math.Cos(i * 1.3)).ToArray();
        var b = Enumerable.Range(0, 60).Select(i => Math.Cos(i * 1.3 + 0.01 * ((i % 2) * 2 - 1))).ToArray();
        var comparison = PairedComparison.Of(a, b, seed: 2);
        Assert.True(comparison.PValue > 0.2);
        Assert.True(comparison.Difference.Low < 0 && comparison.Difference.High > 0);
    }
}
