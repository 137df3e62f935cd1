namespace Evolve.Search.Optimizers.Cma;

/// <summary>Settings of <see cref="CmaEs"/>; all lengths are in the unit box [0,1]^n.</summary>
internal sealed record CmaSettings
{
    /// <summary>Initial step size; 0.3 of the box spans most of it within ±2σ from its centre.</summary>
    public double Sigma0 { get; init; } = 0.3;

    /// <summary>λ of the first run; null gives Hansen's default 4 + ⌊3 ln n⌋.</summary>
    public int? PopulationSize { get; init; }

    /// <summary>IPOP restarts (λ doubles each time) after σ collapse, stagnation or a degenerate covariance.</summary>
    public int MaxRestarts { get; init; } = 9;

    /// <summary>Restart when every coordinate's standard deviation σ·√C_ii is below this.</summary>
    public double TolX { get; init; } = 1e-12;

    /// <summary>Restart when the best fitness of the last 10 + ⌈30 n / λ⌉ generations spans less than this.</summary>
    public double TolFun { get; init; } = 1e-12;

    /// <summary>Restart when the condition number of C exceeds this.</summary>
    public double MaxCondition { get; init; } = 1e14;
}
