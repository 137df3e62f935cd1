using Evolve.Sweeps;

namespace Evolve.Tests.Sweeps;

public class QuadraticTests
{
    [Fact]
    public void Exact_quadratic_is_recovered_with_its_vertex()
    {
        double[] x = [0, 0.2, 0.4, 0.6, 0.8, 1];
        var y = x.Select(v => 1 + 2 * v - 3 * v * v).ToArray();
        var fit = Quadratic.Fit(x, y);
        Assert.Equal(1, fit.C0, 12);
        Assert.Equal(2, fit.C1, 12);
        Assert.Equal(-3, fit.C2, 12);
        Assert.True(fit.IsConcave);
        Assert.Equal(1.0 / 3, fit.Vertex!.Value, 12);
        Assert.Equal(1, fit.RSquared(x, y), 12);
    }

    /// <summary>
    /// Hand computation: x = 0..3, y = 1, 3, 2, 0. Normal equations [4 6 14; 6 14 36; 14 36 98]·c = [6; 7; 11] give
    /// c = (11/10, 13/5, −1), vertex 13/10; residuals (−0.1, 0.3, −0.3, 0.1) against a total sum of squares of 5 give R² = 0.96.
    /// </summary>
    [Fact]
    public void Least_squares_matches_the_normal_equations_by_hand()
    {
        double[] x = [0, 1, 2, 3], y = [1, 3, 2, 0];
        var fit = Quadratic.Fit(x, y);
        Assert.Equal(1.1, fit.C0, 12);
        Assert.Equal(2.6, fit.C1, 12);
        Assert.Equal(-1.0, fit.C2, 12);
        Assert.Equal(1.3, fit.Vertex!.Value, 12);
        Assert.Equal(0.96, fit.RSquared(x, y), 12);
    }

    [Theory]
    [InlineData(0, 1, -1, 0, 1, 0.5)]    // concave, vertex inside
    [InlineData(0, 1, -0.1, 0, 1, 1)]    // concave, vertex 5 beyond the range: the better end
    [InlineData(0, -1, 1, 0, 1, 0)]      // convex: f(0) = 0 > f(1) = 0
    [InlineData(0, -1, 2, 0, 1, 1)]      // convex: f(1) = 1 > f(0) = 0
    [InlineData(2, 0, 0, 0, 1, 0)]       // constant: the lower end on a tie
    public void ArgMax_over_an_interval(double c0, double c1, double c2, double lo, double hi, double expected) =>
        Assert.Equal(expected, new Quadratic(c0, c1, c2).ArgMaxOn(lo, hi), 12);
}
