using System.Numerics;
using System.Runtime.InteropServices;
using Evolve.Merging.Kernels;
using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>
/// mergekit's generalized task arithmetic, the engine of task_arithmetic, ties, dare_*, breadcrumbs*, della*:
/// Δᵢ = Xᵢ − B; each Δᵢ sparsified alone (unweighted, its own density/gamma/epsilon, optional L1 rescale);
/// Wᵢ = wᵢ·Δᵢ; with sign consensus ("sum": s = sign ΣWᵢ, 0 counts as +) only the Wᵢ whose sign equals s
/// contribute, to the sum and to the divisor Σwᵢ (a divisor of 0 becomes 1); without consensus every Wᵢ does
/// (|Σwᵢ| &lt; 1e-8 becomes 1); normalize divides by the divisor; lambda scales; R = B + mixed.
/// Each variant is a small subclass that fixes the sparsifier, the consensus and the defaults.
/// </summary>
internal abstract class GeneralizedTaskArithmetic : MergeMethod
{
    private readonly SparsificationKind _sparsification;
    private readonly bool _consensus;

    protected GeneralizedTaskArithmetic(string name, string summary, string reference, SparsificationKind sparsification,
        bool consensus, bool normalize, bool rescale, ParameterDef? extraPerModel = null)
        : base(name, summary, reference, BaseModelRole.Required, InputCount.AtLeast(1),
            Declare(sparsification, normalize, rescale, extraPerModel),
            usesRandomness: sparsification is SparsificationKind.Random or SparsificationKind.RankSampling)
    {
        _sparsification = sparsification;
        _consensus = consensus;
    }

    private static ParameterDef[] Declare(SparsificationKind sparsification, bool normalize, bool rescale, ParameterDef? extra)
    {
        var density = sparsification switch
        {
            SparsificationKind.None => CommonParameters.Density() with { Ignored = true },
            SparsificationKind.Random => CommonParameters.DensityForDare,
            _ => CommonParameters.Density(),
        };
        var list = new List<ParameterDef> { CommonParameters.Weight, density };
        if (extra is not null) list.Add(extra);
        list.Add(CommonParameters.Int8Mask);
        list.Add(CommonParameters.Normalize(normalize));
        list.Add(CommonParameters.Rescale(rescale));
        list.Add(CommonParameters.Lambda);
        return [.. list];
    }

    public override bool ReadsInChunks(MethodParameters parameters) => !IsElementwise(parameters);

    /// <summary>Without consensus and without effective pruning the merge is B + Σ cᵢ(Xᵢ − B), element by element.</summary>
    public override bool IsElementwise(MethodParameters parameters)
    {
        if (_consensus) return false;
        if (_sparsification == SparsificationKind.None) return true;
        foreach (var d in parameters.PerModel("density"))
            if (d < 1) return false;
        return true;
    }

    public override void Merge(TensorMergeContext context, Span<float> output)
    {
        var p = context.Parameters;
        var weights = p.PerModel("weight");
        var densities = p.PerModel("density");
        bool normalize = p.Flag("normalize"), rescale = p.Flag("rescale");
        float lambda = (float)p.Global("lambda");

        bool prunes = _sparsification != SparsificationKind.None;
        if (prunes)
        {
            prunes = false;
            foreach (var d in densities) prunes |= d < 1;
        }
        if (!prunes && !_consensus)
        {
            Dense(weights, normalize, lambda, context.ModelCount).Apply(context.Base, context.Model, output);
            return;
        }

        MergeStreamed(context, weights, densities, normalize, lambda, output);
    }

    /// <summary>
    /// Pruning or consensus needs each task vector's rank thresholds and norms before the combine, so the inputs are
    /// read in passes of cache-sized chunks (whole rows for DELLA) rather than held whole: the rank select (one pass,
    /// two more only when the first chunk guessed the rank's neighbourhood wrong) when ranking, the L1 norms (one pass) when rescaling, then one fused pass
    /// delta → prune → scale → combine → output.
    /// </summary>
    private void MergeStreamed(TensorMergeContext context, ReadOnlySpan<double> weights, ReadOnlySpan<double> densities,
        bool normalize, float lambda, Span<float> output)
    {
        var p = context.Parameters;
        int n = context.Length, k = context.ModelCount;
        var gammas = _sparsification == SparsificationKind.MagnitudeOutliers ? p.PerModel("gamma") : default;
        var epsilons = _sparsification == SparsificationKind.RankSampling ? p.PerModel("epsilon") : default;
        var columns = context.RowLayout.Columns;
        int chunk = _sparsification == SparsificationKind.RankSampling && columns > 0
            ? Math.Max(1, StreamChunk / columns) * columns
            : StreamChunk;
        chunk = Math.Min(chunk, n);
        if (chunk == 0) return;
        var scratch = context.Scratch;
        var pruners = new TaskVectorPruner[k];
        try
        {
            for (int i = 0; i < k; i++)
            {
                var settings = new PruneSettings(densities[i], gammas.IsEmpty ? 0 : gammas[i], epsilons.IsEmpty ? 0 : epsilons[i],
                    p.Flag("rescale"), MaskRandom.StreamKey(context.Seed, context.TensorName, i), columns);
                pruners[i] = new TaskVectorPruner(_sparsification, settings, n);
            }
            var writer = context.OutputWriter;
            var outBuffer = writer is null ? default : scratch.Floats(chunk);
            var baseBuffer = scratch.Floats(chunk);
            var deltas = new float[k][];
            for (int i = 0; i < k; i++) deltas[i] = scratch.FloatArray(chunk);

            var active = new bool[k];
            while (pruners.Any(q => q.NeedsRankPass))
            {
                for (int i = 0; i < k; i++) active[i] = pruners[i].NeedsRankPass;
                for (int start = 0; start < n; start += chunk)
                {
                    var b = context.BaseChunk(start, baseBuffer[..Math.Min(chunk, n - start)]);
                    for (int i = 0; i < k; i++)
                        if (active[i]) pruners[i].CountRanks(Delta(context, i, start, b, deltas[i]));
                }
                for (int i = 0; i < k; i++)
                    if (active[i]) pruners[i].EndRankPass();
            }
            if (pruners.Any(q => q.NeedsNorms))
            {
                foreach (var q in pruners) q.Restart();
                for (int start = 0; start < n; start += chunk)
                {
                    var b = context.BaseChunk(start, baseBuffer[..Math.Min(chunk, n - start)]);
                    for (int i = 0; i < k; i++)
                        if (pruners[i].NeedsNorms) pruners[i].AccumulateNorms(Delta(context, i, start, b, deltas[i]), start);
                }
                foreach (var q in pruners) q.EndNorms();
            }
            foreach (var q in pruners) q.Restart();
            for (int start = 0; start < n; start += chunk)
            {
                int len = Math.Min(chunk, n - start);
                var b = context.BaseChunk(start, baseBuffer[..len]);
                for (int i = 0; i < k; i++) pruners[i].Prune(Delta(context, i, start, b, deltas[i]), start);
                var target = writer is null ? output.Slice(start, len) : outBuffer[..len];
                if (_consensus) CombineWithSignConsensus(b, deltas, weights, normalize, lambda, target);
                else CombineAll(b, deltas, weights, normalize, lambda, target);
                writer?.Invoke(start, target);
            }
        }
        finally
        {
            foreach (var q in pruners) q?.Dispose();
        }
    }

    /// <summary>Elements per streamed chunk: every model's delta chunk, the base's and the output's stay in L2.</summary>
    internal const int StreamChunk = 1 << 14;

    /// <summary>Δᵢ over the chunk of <paramref name="b"/> starting at <paramref name="start"/>, into <paramref name="delta"/>.</summary>
    private static Span<float> Delta(TensorMergeContext context, int i, int start, ReadOnlySpan<float> b, float[] delta)
    {
        var d = delta.AsSpan(0, b.Length);
        context.ModelDelta(i, start, b, d);
        return d;
    }

    public override LinearCombination? AsLinearCombination(MethodParameters parameters, int modelCount) =>
        IsElementwise(parameters)
            ? Dense(parameters.PerModel("weight"), parameters.Flag("normalize"), (float)parameters.Global("lambda"), modelCount)
            : null;

    /// <summary>No pruning, no consensus: R = B + Σ cᵢ(Xᵢ − B) with cᵢ = wᵢ·λ/divisor.</summary>
    private static LinearCombination Dense(ReadOnlySpan<double> weights, bool normalize, float lambda, int modelCount)
    {
        var scale = lambda / (normalize ? Divisor(weights) : 1.0);
        var coefficients = new float[modelCount];
        for (int i = 0; i < modelCount; i++) coefficients[i] = (float)(weights[i] * scale);
        return new LinearCombination(coefficients, AroundBase: true);
    }

    private static void CombineAll(ReadOnlySpan<float> b, float[][] deltas, ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> output)
    {
        output.Clear();
        var scale = lambda / (normalize ? Divisor(weights) : 1.0);
        for (int i = 0; i < deltas.Length; i++)
            Blend.AddScaled(output, (float)(weights[i] * scale), deltas[i].AsSpan(0, output.Length));
        System.Numerics.Tensors.TensorPrimitives.Add(output, b, output);
    }

    private static double Divisor(ReadOnlySpan<double> weights)
    {
        double sum = 0;
        foreach (var w in weights) sum += w;
        return Math.Abs(sum) < 1e-8 ? 1 : sum;
    }

    /// <summary>
    /// Per element: s = Σ wᵢΔᵢ (in model order), then the agreeing wᵢΔᵢ and their wᵢ summed in model order. The SIMD
    /// body adds +0 for a disagreeing model where the scalar definition skips it; both sums start at +0 and only
    /// agreeing terms are nonzero, so every lane gets the same float as the scalar tail computes.
    /// </summary>
    private static void CombineWithSignConsensus(ReadOnlySpan<float> b, float[][] deltas, ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> output)
    {
        int k = deltas.Length;
        int n = output.Length;
        Span<float> w = stackalloc float[k];
        for (int i = 0; i < k; i++) w[i] = (float)weights[i];
        int j = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Span<Vector<float>> wv = stackalloc Vector<float>[k];
            for (int i = 0; i < k; i++) wv[i] = new Vector<float>(w[i]);
            var lambdaV = new Vector<float>(lambda);
            ref float b0 = ref MemoryMarshal.GetReference(b);
            ref float o0 = ref MemoryMarshal.GetReference(output);
            int last = n - Vector<float>.Count;
            for (; j <= last; j += Vector<float>.Count)
            {
                var sum = Vector<float>.Zero;
                for (int i = 0; i < k; i++)
                    sum += wv[i] * Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[i]), (nuint)j);
                var positive = Vector.GreaterThanOrEqual(sum, Vector<float>.Zero);
                Vector<float> mixed = Vector<float>.Zero, divisor = Vector<float>.Zero;
                for (int i = 0; i < k; i++)
                {
                    var wd = wv[i] * Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[i]), (nuint)j);
                    var agrees = Vector.ConditionalSelect(positive,
                        Vector.GreaterThan(wd, Vector<float>.Zero), Vector.LessThan(wd, Vector<float>.Zero));
                    mixed += Vector.ConditionalSelect(agrees, wd, Vector<float>.Zero);
                    divisor += Vector.ConditionalSelect(agrees, wv[i], Vector<float>.Zero);
                }
                if (normalize)
                    mixed /= Vector.ConditionalSelect(Vector.Equals(divisor, Vector<float>.Zero), Vector<float>.One, divisor);
                (Vector.LoadUnsafe(ref b0, (nuint)j) + lambdaV * mixed).StoreUnsafe(ref o0, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float sum = 0;
            for (int i = 0; i < k; i++) sum += w[i] * deltas[i][j];
            bool positive = sum >= 0;
            float mixed = 0, divisor = 0;
            for (int i = 0; i < k; i++)
            {
                float wd = w[i] * deltas[i][j];
                if (positive ? wd > 0 : wd < 0)
                {
                    mixed += wd;
                    divisor += w[i];
                }
            }
            if (normalize) mixed /= divisor == 0 ? 1 : divisor;
            output[j] = b[j] + lambda * mixed;
        }
    }
}
