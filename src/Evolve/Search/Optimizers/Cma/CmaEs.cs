using Evolve.Search.Genome;
using MathNet.Numerics.LinearAlgebra;

namespace Evolve.Search.Optimizers.Cma;

/// <summary>
/// CMA-ES in the unit box with mirrored boundaries and IPOP restarts (Auger &amp; Hansen 2005: λ doubles after each
/// restart from a uniform random mean). Barrier-free: asks beyond λ keep sampling the current distribution, and the
/// first λ tells of a generation update it; tells that arrive for an already-updated generation are dropped.
/// Sample k of generation g in restart r depends only on (seed, r, g, k) and the distribution.
/// </summary>
internal sealed class CmaEs : IOptimizer
{
    private readonly ulong _seed;
    private readonly CmaSettings _settings;
    private readonly double[] _initialMean;
    private CmaParameters _parameters;
    private State _state;

    public CmaEs(GenomeSpace space, ulong seed, CmaSettings? settings = null, double[]? initialGenome = null)
    {
        _settings = settings ?? new CmaSettings();
        if (!(_settings.Sigma0 > 0))
            throw new ArgumentOutOfRangeException(nameof(settings), "CMA-ES needs σ0 > 0");
        Space = space;
        _seed = seed;
        _initialMean = initialGenome is null ? Enumerable.Repeat(0.5, space.Count).ToArray() : space.Encode(initialGenome);
        var lambda = _settings.PopulationSize ?? CmaParameters.DefaultLambda(space.Count);
        if (lambda < 2)
            throw new ArgumentOutOfRangeException(nameof(settings), "CMA-ES needs a population of at least 2");
        _state = FreshRun(0, lambda, _initialMean);
        _parameters = new CmaParameters(space.Count, lambda);
    }

    public string Name => "cmaes";

    public GenomeSpace Space { get; }

    public int Generation => _state.TotalGenerations;

    public int Restarts => _state.Restart;

    public int Lambda => _state.Lambda;

    public double Sigma => _state.Sigma;

    public Candidate Ask()
    {
        var s = _state;
        var n = Space.Count;
        var id = s.NextId++;
        var draws = new DrawStream(_seed, "cmaes.sample", s.Restart, s.Generation, s.AskedInGeneration++);
        var z = new double[n];
        for (var i = 0; i < n; i++)
            z[i] = s.D[i] * draws.Gaussian();
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            var y = 0.0;
            for (var j = 0; j < n; j++)
                y += s.B[i * n + j] * z[j];
            x[i] = Reflection.IntoUnit(s.Mean[i] + s.Sigma * y);
        }
        s.Pending.Add(id, new PendingSample(s.Restart, s.Generation, x));
        return new Candidate(id, Space.Decode(x));
    }

    public void Tell(long candidateId, double fitness)
    {
        var s = _state;
        if (!s.Pending.Remove(candidateId, out var sample))
            throw new InvalidOperationException($"cmaes: candidate {candidateId} was not asked or was already told");
        if (sample.Restart != s.Restart || sample.Generation != s.Generation)
            return;
        s.Results.Add(new Result(candidateId, sample.X, double.IsNaN(fitness) ? double.NegativeInfinity : fitness));
        if (s.Results.Count == s.Lambda)
            Update();
    }

    public string ExportState() => OptimizerStateJson.Write(_state);

    public void ImportState(string json)
    {
        _state = OptimizerStateJson.Read<State>(json, Name);
        _parameters = new CmaParameters(Space.Count, _state.Lambda);
    }

    private void Update()
    {
        var s = _state;
        var p = _parameters;
        var n = Space.Count;
        var ranked = s.Results.OrderByDescending(r => r.Fitness).ThenBy(r => r.Id).ToArray();
        var oldMean = s.Mean;
        var mean = new double[n];
        for (var k = 0; k < p.Mu; k++)
            for (var i = 0; i < n; i++)
                mean[i] += p.Weights[k] * ranked[k].X[i];

        var yw = new double[n];
        for (var i = 0; i < n; i++)
            yw[i] = (mean[i] - oldMean[i]) / s.Sigma;

        // C^(-1/2) y_w = B D^(-1) Bᵀ y_w
        var t = new double[n];
        for (var j = 0; j < n; j++)
        {
            var dot = 0.0;
            for (var i = 0; i < n; i++)
                dot += s.B[i * n + j] * yw[i];
            t[j] = dot / s.D[j];
        }
        var psNorm2 = 0.0;
        var csFactor = Math.Sqrt(p.Cs * (2 - p.Cs) * p.MuEff);
        for (var i = 0; i < n; i++)
        {
            var whitened = 0.0;
            for (var j = 0; j < n; j++)
                whitened += s.B[i * n + j] * t[j];
            s.Ps[i] = (1 - p.Cs) * s.Ps[i] + csFactor * whitened;
            psNorm2 += s.Ps[i] * s.Ps[i];
        }
        var psNorm = Math.Sqrt(psNorm2);
        var hsig = psNorm / Math.Sqrt(1 - Math.Pow(1 - p.Cs, 2.0 * (s.Generation + 1))) / p.ChiN < 1.4 + 2.0 / (n + 1);
        var ccFactor = Math.Sqrt(p.Cc * (2 - p.Cc) * p.MuEff);
        for (var i = 0; i < n; i++)
            s.Pc[i] = (1 - p.Cc) * s.Pc[i] + (hsig ? ccFactor * yw[i] : 0.0);

        var decay = 1 - p.C1 - p.CMu + (hsig ? 0.0 : p.C1 * p.Cc * (2 - p.Cc));
        var steps = new double[p.Mu][];
        for (var k = 0; k < p.Mu; k++)
        {
            steps[k] = new double[n];
            for (var i = 0; i < n; i++)
                steps[k][i] = (ranked[k].X[i] - oldMean[i]) / s.Sigma;
        }
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var rankMu = 0.0;
                for (var k = 0; k < p.Mu; k++)
                    rankMu += p.Weights[k] * steps[k][i] * steps[k][j];
                var c = decay * s.C[i * n + j] + p.C1 * s.Pc[i] * s.Pc[j] + p.CMu * rankMu;
                s.C[i * n + j] = c;
                s.C[j * n + i] = c;
            }

        s.Sigma *= Math.Exp(p.Cs / p.Ds * (psNorm / p.ChiN - 1));
        s.Mean = mean;
        s.Generation++;
        s.TotalGenerations++;
        s.AskedInGeneration = 0;
        s.Results.Clear();
        s.BestPerGeneration.Add(ranked[0].Fitness);
        if (s.Generation - s.EigenGeneration >= p.EigenInterval)
            Decompose(s, n);

        var reason = RestartReason(s, p, ranked);
        if (reason is not null && s.Restart < _settings.MaxRestarts)
        {
            var draws = new DrawStream(_seed, "cmaes.restart", s.Restart + 1);
            var start = new double[n];
            for (var i = 0; i < n; i++)
                start[i] = draws.Uniform();
            var next = FreshRun(s.Restart + 1, s.Lambda * 2, start);
            next.NextId = s.NextId;
            next.TotalGenerations = s.TotalGenerations;
            next.Pending = s.Pending;
            next.LastRestartReason = reason;
            _state = next;
            _parameters = new CmaParameters(n, next.Lambda);
        }
    }

    private static void Decompose(State s, int n)
    {
        var c = Matrix<double>.Build.Dense(n, n, (i, j) => s.C[Math.Min(i, j) * n + Math.Max(i, j)]);
        var evd = c.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues;
        var vectors = evd.EigenVectors;
        for (var j = 0; j < n; j++)
        {
            s.D[j] = Math.Sqrt(Math.Max(values[j].Real, 0.0));
            for (var i = 0; i < n; i++)
                s.B[i * n + j] = vectors[i, j];
        }
        s.EigenGeneration = s.Generation;
    }

    private string? RestartReason(State s, CmaParameters p, Result[] ranked)
    {
        var n = Space.Count;
        if (!double.IsFinite(s.Sigma) || s.Mean.Any(v => !double.IsFinite(v)))
            return "numerical breakdown";
        var maxStd = 0.0;
        for (var i = 0; i < n; i++)
            maxStd = Math.Max(maxStd, s.Sigma * Math.Sqrt(s.C[i * n + i]));
        if (maxStd < _settings.TolX)
            return "sigma collapse";
        double minD = s.D.Min(), maxD = s.D.Max();
        if (minD <= 0 || (maxD / minD) * (maxD / minD) > _settings.MaxCondition)
            return "ill-conditioned covariance";
        var window = 10 + (int)Math.Ceiling(30.0 * n / s.Lambda);
        if (s.BestPerGeneration.Count >= window)
        {
            var recent = s.BestPerGeneration.Skip(s.BestPerGeneration.Count - window).Where(double.IsFinite).ToArray();
            var thisGeneration = ranked.Select(r => r.Fitness).Where(double.IsFinite).ToArray();
            if (recent.Length > 0 && thisGeneration.Length > 0)
            {
                var span = Math.Max(recent.Max(), thisGeneration.Max()) - Math.Min(recent.Min(), thisGeneration.Min());
                if (span < _settings.TolFun)
                    return "stagnation";
            }
        }
        return null;
    }

    private State FreshRun(int restart, int lambda, double[] mean)
    {
        var n = Space.Count;
        var b = new double[n * n];
        var c = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            b[i * n + i] = 1;
            c[i * n + i] = 1;
        }
        return new State
        {
            Restart = restart,
            Lambda = lambda,
            Mean = (double[])mean.Clone(),
            Sigma = _settings.Sigma0,
            C = c,
            B = b,
            D = Enumerable.Repeat(1.0, n).ToArray(),
            Pc = new double[n],
            Ps = new double[n],
        };
    }

    internal sealed record PendingSample(int Restart, int Generation, double[] X);

    internal sealed record Result(long Id, double[] X, double Fitness);

    internal sealed class State
    {
        public long NextId { get; set; }
        public int Restart { get; set; }
        public string? LastRestartReason { get; set; }
        public int Lambda { get; set; }
        public int Generation { get; set; }
        public int TotalGenerations { get; set; }
        public int EigenGeneration { get; set; }
        public int AskedInGeneration { get; set; }
        public double[] Mean { get; set; } = [];
        public double Sigma { get; set; }
        /// <summary>n×n, row-major.</summary>
        public double[] C { get; set; } = [];
        /// <summary>Eigenvectors of C as columns, n×n row-major.</summary>
        public double[] B { get; set; } = [];
        /// <summary>Square roots of C's eigenvalues.</summary>
        public double[] D { get; set; } = [];
        public double[] Pc { get; set; } = [];
        public double[] Ps { get; set; } = [];
        public List<double> BestPerGeneration { get; set; } = [];
        public List<Result> Results { get; set; } = [];
        public SortedDictionary<long, PendingSample> Pending { get; set; } = [];
    }
}
