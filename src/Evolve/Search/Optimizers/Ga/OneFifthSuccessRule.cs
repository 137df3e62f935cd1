namespace Evolve.Search.Optimizers.Ga;

/// <summary>
/// Rechenberg's 1/5th success rule on the mutation strength: after each window of offspring, if more than a fifth
/// beat their better parent the steps are too timid (grow by 1/<see cref="Factor"/>), else shrink by Factor
/// (Schwefel's 0.817). Bounded so the GA neither freezes nor turns into random search.
/// </summary>
internal sealed class OneFifthSuccessRule(double factor = 0.817, double min = 0.01, double max = 4.0)
{
    public double Factor { get; } = factor is > 0 and < 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor));

    public double Adjust(double strength, int successes, int trials)
    {
        if (trials == 0)
            return strength;
        var next = successes * 5 > trials ? strength / Factor : successes * 5 < trials ? strength * Factor : strength;
        return Math.Clamp(next, min, max);
    }
}
