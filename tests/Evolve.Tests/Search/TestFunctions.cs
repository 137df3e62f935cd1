using Evolve.Search.Genome;
using Evolve.Search.Optimizers;

namespace Evolve.Tests.Search;

/// <summary>The standard test functions as pycma's <c>cma.ff</c> defines them, and a minimizing ask/tell driver.</summary>
internal static class TestFunctions
{
    public static double Sphere(double[] x) => x.Sum(v => v * v);

    public static double Rosenbrock(double[] x)
    {
        var f = 0.0;
        for (var i = 0; i + 1 < x.Length; i++)
            f += 100 * Math.Pow(x[i] * x[i] - x[i + 1], 2) + Math.Pow(1 - x[i], 2);
        return f;
    }

    /// <summary>cma.ff.elli: condition number 1e6, axis-parallel.</summary>
    public static double Ellipsoid(double[] x)
    {
        var f = 0.0;
        for (var i = 0; i < x.Length; i++)
            f += Math.Pow(1e6, i / (x.Length - 1.0)) * x[i] * x[i];
        return f;
    }

    public static GenomeSpace Box(int n, double low = -5, double high = 5) =>
        new(Enumerable.Range(0, n).Select(i => GeneSpec.Real($"x{i}", low, high)).ToArray());

    /// <summary>Asks and tells one at a time until f ≤ target or the budget is spent.</summary>
    public static (int Evaluations, double Best) Minimize(IOptimizer optimizer, Func<double[], double> f, int budget, double target)
    {
        var best = double.PositiveInfinity;
        for (var k = 1; k <= budget; k++)
        {
            var c = optimizer.Ask();
            var value = f(c.Genome);
            optimizer.Tell(c.Id, -value);
            best = Math.Min(best, value);
            if (best <= target)
                return (k, best);
        }
        return (budget, best);
    }
}
