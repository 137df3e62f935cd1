namespace Evolve.Search.Optimizers.Cma;

/// <summary>
/// The strategy parameters of CMA-ES for dimension n and population λ, with the defaults of Hansen's tutorial
/// (arXiv:1604.00772, Table 1, positive weights only): μ = ⌊λ/2⌋, w_i ∝ ln((λ+1)/2) − ln i, and the learning rates
/// c_σ, d_σ, c_c, c_1, c_μ derived from μ_eff.
/// </summary>
internal sealed class CmaParameters
{
    public CmaParameters(int n, int lambda)
    {
        N = n;
        Lambda = lambda;
        Mu = lambda / 2;
        Weights = new double[Mu];
        var sum = 0.0;
        for (var i = 0; i < Mu; i++)
        {
            Weights[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
            sum += Weights[i];
        }
        var sumSquares = 0.0;
        for (var i = 0; i < Mu; i++)
        {
            Weights[i] /= sum;
            sumSquares += Weights[i] * Weights[i];
        }
        MuEff = 1 / sumSquares;
        Cs = (MuEff + 2) / (n + MuEff + 5);
        Ds = 1 + 2 * Math.Max(0, Math.Sqrt((MuEff - 1) / (n + 1)) - 1) + Cs;
        Cc = (4 + MuEff / n) / (n + 4 + 2 * MuEff / n);
        C1 = 2 / ((n + 1.3) * (n + 1.3) + MuEff);
        CMu = Math.Min(1 - C1, 2 * (MuEff - 2 + 1 / MuEff) / ((n + 2) * (n + 2) + MuEff));
        ChiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
    }

    public static int DefaultLambda(int n) => 4 + (int)Math.Floor(3 * Math.Log(n));

    public int N { get; }
    public int Lambda { get; }
    public int Mu { get; }
    public double[] Weights { get; }
    public double MuEff { get; }
    public double Cs { get; }
    public double Ds { get; }
    public double Cc { get; }
    public double C1 { get; }
    public double CMu { get; }

    /// <summary>E‖N(0, I)‖.</summary>
    public double ChiN { get; }

    /// <summary>Generations between eigendecompositions, so their O(n³) cost stays below the O(n²) per sample.</summary>
    public double EigenInterval => Lambda / (C1 + CMu) / N / 10;
}
