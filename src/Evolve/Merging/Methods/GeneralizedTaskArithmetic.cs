using System.Runtime.InteropServices;
using Evolve.Checkpoints;
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
    /// two more only when the first chunk guessed the rank's neighbourhood wrong) when ranking, the L1 norms (one pass)
    /// when rescaling, then one fused pass delta → prune → scale → combine → output. A large tensor pruned by
    /// magnitude alone is merged in one pass instead (<see cref="TryMergeInOnePass"/>), and only if that fails the
    /// separate passes run.
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
        var settings = new PruneSettings[k];
        bool onePass = true;
        for (int i = 0; i < k; i++)
        {
            settings[i] = new PruneSettings(densities[i], gammas.IsEmpty ? 0 : gammas[i], epsilons.IsEmpty ? 0 : epsilons[i],
                p.Flag("rescale"), MaskRandom.StreamKey(context.Seed, context.TensorName, i), columns);
            onePass &= TaskVectorPruner.DecidesInOnePass(_sparsification, settings[i], n);
        }
        if (onePass)
        {
            var provisional = Pruners(settings, n, provisional: true);
            try
            {
                if (TryMergeInOnePass(context, provisional, weights, normalize, lambda, output)) return;
            }
            finally
            {
                foreach (var q in provisional) q.Dispose();
            }
        }
        var buffers = new StreamBuffers(context, context.Scratch, chunk, k);

        var pruners = Pruners(settings, n, provisional: false);
        try
        {
            var active = new bool[k];
            while (pruners.Any(q => q.NeedsRankPass))
            {
                for (int i = 0; i < k; i++) active[i] = pruners[i].NeedsRankPass;
                for (int start = 0; start < n; start += chunk)
                {
                    var b = buffers.Base(start);
                    for (int i = 0; i < k; i++)
                        if (active[i]) pruners[i].CountRanks(buffers.Delta(i, start, b));
                }
                for (int i = 0; i < k; i++)
                    if (active[i]) pruners[i].EndRankPass();
            }
            if (pruners.Any(q => q.NeedsNorms))
            {
                foreach (var q in pruners) q.Restart();
                for (int start = 0; start < n; start += chunk)
                {
                    var b = buffers.Base(start);
                    for (int i = 0; i < k; i++)
                        if (pruners[i].NeedsNorms) pruners[i].AccumulateNorms(buffers.Delta(i, start, b), start);
                }
                foreach (var q in pruners) q.EndNorms();
            }
            foreach (var q in pruners) q.Restart();
            CombinePass(context, pruners, buffers, context.OutputWriter, weights, normalize, lambda, output);
        }
        finally
        {
            foreach (var q in pruners) q.Dispose();
        }
    }

    private TaskVectorPruner[] Pruners(PruneSettings[] settings, int n, bool provisional)
    {
        var pruners = new TaskVectorPruner[settings.Length];
        for (int i = 0; i < settings.Length; i++) pruners[i] = new TaskVectorPruner(_sparsification, settings[i], n, provisional);
        return pruners;
    }

    /// <summary>
    /// The pass delta → prune → combine → output, chunk by chunk, over elements [<paramref name="from"/>,
    /// <paramref name="to"/>) (pruners split into ranges are told which, <paramref name="range"/>); into
    /// <paramref name="writer"/> when given, else into <paramref name="output"/>.
    /// </summary>
    private void CombinePass(TensorMergeContext context, TaskVectorPruner[] pruners, StreamBuffers buffers, OutputChunkWriter? writer,
        ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> output, int from = 0, int to = int.MaxValue, int range = 0)
    {
        to = Math.Min(to, context.Length);
        int read = from;
        for (int start = from; start < to; start += buffers.Chunk)
        {
            int length = Math.Min(buffers.Chunk, to - start);
            ReadOnlySpan<float> b;
            int i = 0;
            // The first two task vectors and the base in one loop where all three are stored as BF16.
            if (pruners.Length >= 2 && context.StoredBaseBFloat16(start, length) is { IsEmpty: false } w
                && context.StoredBFloat16(0, start, length) is { IsEmpty: false } x0 && context.StoredBFloat16(1, start, length) is { IsEmpty: false } x1)
            {
                var widened = buffers.BaseBuffer(length);
                TaskVectorPruner.PruneDifferences(pruners[0], pruners[1], x0, x1, w, widened,
                    buffers.Deltas[0].AsSpan(0, length), buffers.Deltas[1].AsSpan(0, length), start, range);
                b = widened;
                i = 2;
            }
            else b = buffers.Base(start, length);
            for (; i < pruners.Length; i++)
            {
                var x = context.StoredBFloat16(i, start, length);
                if (x.IsEmpty) pruners[i].Prune(buffers.Delta(i, start, b), start, range);
                else pruners[i].PruneDifference(x, b, buffers.Deltas[i].AsSpan(0, length), start, range);
            }
            if (_consensus && writer is not null && context.BFloat16Output != 0)
                SignConsensus.Combine(b, buffers.Deltas, weights, normalize, lambda, context.BFloat16OutputWords(start, length));
            else
            {
                var target = writer is null ? output.Slice(start, length) : buffers.Output(length);
                Combine(b, buffers.Deltas, weights, normalize, lambda, target);
                writer?.Invoke(start, target);
            }
            int end = start + length;
            if (context.InputsRead is { } inputsRead && (end - read >= TensorMergeContext.ReleaseSpan || end == to))
            {
                inputsRead(read, end - read);
                read = end;
            }
        }
    }


    /// <summary>
    /// The one-pass combine over <paramref name="ranges"/> ranges of the tensor, on as many of the executor's idle
    /// workers as it can recruit (<see cref="TensorMergeContext.Workers"/>), each range with its own chunks and
    /// window lists (joined in index order by <see cref="TaskVectorPruner.FinishProvisional"/>): every element is
    /// computed as the single pass computes it, so the output does not depend on the number of ranges.
    /// </summary>
    private unsafe void CombineInRanges(TensorMergeContext context, TaskVectorPruner[] pruners, int ranges,
        ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> output)
    {
        int n = context.Length, k = pruners.Length;
        foreach (var q in pruners) q.SplitRanges(ranges);
        var w = weights.ToArray();
        fixed (float* whole = output)
        {
            // A span cannot reach into the workers; without a writer they write through the output's address.
            nint address = (nint)whole;
            var writer = context.OutputWriter ?? ((start, values) => values.CopyTo(new Span<float>((float*)address + start, values.Length)));
            context.Workers!.Run(ranges, r =>
            {
                using var scratch = new ScratchArena();
                var buffers = new StreamBuffers(context, scratch, Math.Min(OnePassChunk, n), k);
                CombinePass(context, pruners, buffers, writer, w, normalize, lambda, default, RangeStart(r), RangeStart(r + 1), r);
            });
        }

        int RangeStart(int r) => r == ranges ? n : (int)((long)n * r / ranges / OnePassChunk * OnePassChunk);
    }

    /// <summary>
    /// The combine pass with provisional masks (<see cref="ProvisionalMagnitudeMask"/>), then each element that a
    /// mask decided wrongly recomputed from its inputs by the exact rule, through the same combine: the output equals
    /// the separate passes' bit for bit. False, with the output incomplete, when a mask's rank fell outside its window.
    /// </summary>
    private bool TryMergeInOnePass(TensorMergeContext context, TaskVectorPruner[] pruners,
        ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> output)
    {
        BeginFromSample(context, pruners);
        int n = context.Length;
        // The sample's last pages, before the pass, which maps one span at a time.
        context.InputsRead?.Invoke(0, n);
        int ranges = context.Workers is null ? 1 : Math.Max(1, n / TensorMergeContext.ParallelRange);
        if (ranges > 1) CombineInRanges(context, pruners, ranges, weights, normalize, lambda, output);
        else CombinePass(context, pruners, new StreamBuffers(context, context.Scratch, Math.Min(OnePassChunk, n), pruners.Length),
            context.OutputWriter, weights, normalize, lambda, output);
        // Each pruner lists its corrections in index order: their union is a merge, not a sort.
        var corrections = new List<int>();
        var listed = new List<int>();
        foreach (var q in pruners)
        {
            if (!q.FinishProvisional()) return false;
            listed.Clear();
            q.AddCorrections(listed);
            corrections = SortedUnion(corrections, listed);
        }
        var indices = CollectionsMarshal.AsSpan(corrections);
        int m = indices.Length;

        // Batches of the elements in one span of the inputs at a time, whose pages are released after it: the
        // corrections lie all over the tensor, and faulting them all in at once would map most of every input again.
        const int span = TensorMergeContext.ReleaseSpan;
        int largest = 0;
        for (int first = 0, next; first < m; first = next)
        {
            for (next = first + 1; next < m && indices[next] / span == indices[first] / span; next++) { }
            largest = Math.Max(largest, next - first);
        }
        var scratch = context.Scratch;
        var b = scratch.FloatArray(largest);
        var deltas = new float[pruners.Length][];
        for (int i = 0; i < pruners.Length; i++) deltas[i] = scratch.FloatArray(largest);
        var values = scratch.FloatArray(largest);
        // Released up to the end of each batch's span from where the last release ended: a fault maps the whole folio
        // around an element, which reaches into spans that hold no correction and would stay mapped.
        int released = 0;
        for (int first = 0, next; first < m; first = next)
        {
            int window = indices[first] / span;
            for (next = first + 1; next < m && indices[next] / span == window; next++) { }
            var batch = indices[first..next];
            int count = batch.Length;
            context.BaseElements(batch, b.AsSpan(0, count));
            for (int i = 0; i < pruners.Length; i++)
            {
                var d = deltas[i].AsSpan(0, count);
                context.ModelElements(i, batch, d);
                System.Numerics.Tensors.TensorPrimitives.Subtract(d, b.AsSpan(0, count), d);
                for (int j = 0; j < count; j++) d[j] = pruners[i].Exact(batch[j], d[j]);
            }
            var result = values.AsSpan(0, count);
            Combine(b.AsSpan(0, count), deltas, weights, normalize, lambda, result);
            if (context.OutputWriter is not null && context.BFloat16Output != 0)
            {
                // Rounded here, as the writer rounds, rather than a writer call per element.
                var words = context.BFloat16OutputWords(0, n);
                for (int j = 0; j < count; j++) words[batch[j]] = FloatConversion.RoundToBFloat16(BitConverter.SingleToUInt32Bits(result[j]));
            }
            else if (context.OutputWriter is { } writer)
                for (int j = 0; j < count; j++) writer(batch[j], result.Slice(j, 1));
            else
                for (int j = 0; j < count; j++) output[batch[j]] = result[j];
            int end = Math.Min((window + 1) * span, n);
            context.InputsRead?.Invoke(released, end - released);
            released = end;
        }
        return true;
    }

    /// <summary>The union of two ascending lists of distinct indices, ascending.</summary>
    private static List<int> SortedUnion(List<int> a, List<int> b)
    {
        if (b.Count == 0) return a;
        var union = new List<int>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            int x = a[i], y = b[j];
            union.Add(Math.Min(x, y));
            if (x <= y) i++;
            if (y <= x) j++;
        }
        for (; i < a.Count; i++) union.Add(a[i]);
        for (; j < b.Count; j++) union.Add(b[j]);
        return union;
    }

    /// <summary>Blocks read for the one-pass sample: evenly spaced over the tensor, together 128 Ki elements.</summary>
    internal const int SampleBlocks = 512, SampleBlock = 256;

    /// <summary>Sample blocks between two releases of the pages they mapped (when the merge releases input pages).</summary>
    private const int SampleRelease = 64;

    /// <summary>Starts each one-pass pruner from its task vector's values in <see cref="SampleBlocks"/> blocks spread over the tensor.</summary>
    private static void BeginFromSample(TensorMergeContext context, TaskVectorPruner[] pruners)
    {
        // A consensus merge that prunes nothing (densities of 1) decides every element at once: no sample to read.
        if (!pruners.Any(q => q.IsProvisional)) return;
        int n = context.Length, k = pruners.Length;
        var samples = new float[k][];
        for (int i = 0; i < k; i++) samples[i] = context.Scratch.FloatArray(SampleBlocks * SampleBlock);
        Span<float> baseBlock = stackalloc float[SampleBlock];
        int taken = 0;
        for (int block = 0; block < SampleBlocks; block++)
        {
            int start = (int)((long)block * n / SampleBlocks);
            var b = context.BaseChunk(start, baseBlock[..Math.Min(SampleBlock, n - start)]);
            for (int i = 0; i < k; i++) context.ModelDelta(i, start, b, samples[i].AsSpan(taken, b.Length));
            taken += b.Length;
            // A fault in a mapped file maps the whole folio around it: all the blocks together mapped most of every
            // input (85 of 90 MB of the bench's largest tensors, while the other thread's tensor was mapped too). The
            // pages mapped so far are dropped every SampleRelease blocks.
            if (block % SampleRelease == SampleRelease - 1) context.InputsRead?.Invoke(0, start + b.Length);
        }
        for (int i = 0; i < k; i++) pruners[i].BeginProvisional(samples[i].AsSpan(0, taken));
    }

    private void Combine(ReadOnlySpan<float> b, float[][] deltas, ReadOnlySpan<double> weights, bool normalize, float lambda, Span<float> target)
    {
        if (_consensus) SignConsensus.Combine(b, deltas, weights, normalize, lambda, target);
        else CombineAll(b, deltas, weights, normalize, lambda, target);
    }

    /// <summary>The scratch chunks of a streamed merge (from <paramref name="scratch"/>): the base's, each task vector's, and the output's.</summary>
    private sealed class StreamBuffers(TensorMergeContext context, ScratchArena scratch, int chunk, int models)
    {
        private readonly float[] _base = scratch.FloatArray(chunk);
        private readonly float[] _output = scratch.FloatArray(chunk);

        public int Chunk => chunk;

        public float[][] Deltas { get; } = Enumerable.Range(0, models).Select(_ => scratch.FloatArray(chunk)).ToArray();

        /// <summary>The base's chunk at <paramref name="start"/>: <paramref name="length"/> elements, by default to the chunk's size or the tensor's end.</summary>
        public ReadOnlySpan<float> Base(int start, int length = int.MaxValue) =>
            context.BaseChunk(start, _base.AsSpan(0, Math.Min(Math.Min(chunk, length), context.Length - start)));

        /// <summary>The base's chunk buffer, for a kernel that widens the base itself.</summary>
        public Span<float> BaseBuffer(int length) => _base.AsSpan(0, length);

        /// <summary>Δᵢ over the chunk of <paramref name="b"/> starting at <paramref name="start"/>.</summary>
        public Span<float> Delta(int i, int start, ReadOnlySpan<float> b)
        {
            var d = Deltas[i].AsSpan(0, b.Length);
            context.ModelDelta(i, start, b, d);
            return d;
        }

        public Span<float> Output(int length) => _output.AsSpan(0, length);
    }

    /// <summary>Elements per streamed chunk: every model's delta chunk, the base's and the output's stay in L2.</summary>
    internal const int StreamChunk = 1 << 14;

    /// <summary>
    /// Elements per chunk of the one-pass merge: its chunks stay in L1 between the fused widen-count-mask pass and
    /// the combine, each read once (the separate passes read each chunk several times and are better served by L2's
    /// larger chunks).
    /// </summary>
    internal const int OnePassChunk = 1 << 10;

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
}
