using Evolve.Proxy.Statistics;

namespace Evolve.Tests.Proxy;

public class StatisticsTests
{
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (Wilson score).
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    [InlineData(29, 29, 0.8830, 1.0000)]
    public void Wilson_matches_published_intervals(int successes, int n, double low, double high)
    {
        var interval = WilsonInterval.Of(successes, n);
        Assert.Equal((double)successes / n, interval.Estimate, 12);
        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
        Assert.Equal(n, interval.Count);
    }

    [Fact]
    public void Bootstrap_of_a_constant_is_a_point()
    {
        var interval = BootstrapInterval.OfMean(Enumerable.Repeat(-1.25, 40).ToArray(), seed: 7);
        Assert.Equal(-1.25, interval.Estimate);
        Assert.Equal(-1.25, interval.Low);
        Assert.Equal(-1.25, interval.High);
    }

    [Fact]
    public void Bootstrap_of_a_balanced_binary_sample_matches_the_normal_approximation()
    {
        // 100 items, half ones: the sampling sd of the mean is sqrt(0.25/100) = 0.05, so the 95% interval is about
        // 0.5 ± 0.098; percentile bootstrap lands within Monte Carlo error of that.
        var values = Enumerable.Range(0, 100).Select(i => (double)(i % 2)).ToArray();
        var interval = BootstrapInterval.OfMean(values, seed: 11, resamples: 4000);
        Assert.Equal(0.5, interval.Estimate);
        Assert.InRange(interval.Low, 0.39, 0.42);
        Assert.InRange(interval.High, 0.58, 0.61);
    }

    [Fact]
    public void Bootstrap_is_a_pure_function_of_scores_and_seed()
    {
        var values = Enumerable.Range(0, 57).Select(i => Math.Sin(i) * 3).ToArray();
        var a = BootstrapInterval.OfMean(values, seed: 3);
        var b = BootstrapInterval.OfMean(values, seed: 3);
        var c = BootstrapInterval.OfMean(values, seed: 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Low, c.Low);
    }

    [Fact]
    public void Quantile_interpolates_like_numpy()
    {
        // numpy.quantile([1, 2, 4, 8], 0.4) = 2 + 0.2 * (4 - 2) = 2.4 (position 1.2).
        Assert.Equal(2.4, BootstrapInterval.Quantile([1, 2, 4, 8], 0.4), 12);
        Assert.Equal(8, BootstrapInterval.Quantile([1, 2, 4, 8], 1.0));
    }
}
