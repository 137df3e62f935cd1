using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Evolve.Checkpoints;
using Evolve.Merging.Kernels;
using Evolve.Merging.Methods;
using Evolve.Merging.Planning;

namespace Evolve.Merging.Execution;

/// <summary>
/// Runs a <see cref="MergePlan"/>: tensor by tensor from the memory-mapped inputs (read in cache-sized float32 chunks
/// by elementwise and chunk-reading methods, else each input converted to float32 into a rented buffer, merged,
/// released), several tensors in parallel (<see cref="MergeExecutorOptions.Threads"/>),
/// SIMD within. Working memory is bounded by the tensors in flight: their inputs, outputs and scratch, tracked as
/// <see cref="MergeStats.PeakWorkingBytes"/>.
/// </summary>
internal sealed class MergeExecutor(MergeExecutorOptions? options = null)
{
    private readonly MergeExecutorOptions _options = options ?? new MergeExecutorOptions();
    private WorkerBudget _workers = new(options?.Threads ?? Environment.ProcessorCount);
    private long _working;
    private long _peak;
    private long _bytesRead;
    private int _done;

    /// <summary>
    /// Merges into <paramref name="weights"/>, recomputing only tensors whose plan key differs from the key they were
    /// computed under; unchanged tensors keep their buffers. The result is published as one new generation, so a
    /// reader sees either every old tensor or every new one, and buffers a snapshot still reads are never touched.
    /// </summary>
    public MergeStats MergeInto(MergePlan plan, WeightSet weights)
    {
        var clock = Stopwatch.StartNew();
        Reset();
        var entries = new Dictionary<string, WeightEntry>(StringComparer.Ordinal);
        var todo = new List<PlannedTensor>();
        int reused = 0;
        foreach (var t in plan.Tensors)
        {
            if (t.CopyOnly) continue;
            if (weights.TryGetEntry(t.Name, out var old) && old.Key == t.Key)
            {
                entries[t.Name] = old;
                reused++;
            }
            else todo.Add(t);
        }
        var fresh = new WeightEntry[todo.Count];
        long total = todo.Sum(t => InputBytes(plan, t));
        try
        {
            // Largest first keeps the threads busy to the end.
            var order = Enumerable.Range(0, todo.Count).OrderByDescending(i => todo[i].ElementCount).ToArray();
            Parallel.ForEach(order, ParallelOptions(), i =>
            {
                var t = todo[i];
                var buffer = new NativeTensorBuffer(t.ElementCount);
                fresh[i] = new WeightEntry(t.Name, t.Shape, t.Key, buffer);
                _workers.Enter();
                try
                {
                    Compute(plan, t, buffer.Span);
                }
                finally
                {
                    _workers.Leave();
                }
                Report(todo.Count, total, clock);
            });
        }
        catch
        {
            foreach (var e in fresh) e?.Buffer.Release();
            throw;
        }
        foreach (var e in fresh) entries[e.Name] = e;
        weights.Publish(entries, fresh.Select(e => e.Buffer));
        return new MergeStats(todo.Count, reused, _bytesRead, _peak, clock.Elapsed, todo.Select(t => t.Name).ToArray());
    }

    /// <summary>
    /// The plan's tensors for a checkpoint writer, computed ahead in parallel in the order the writer asks for them
    /// (<paramref name="expectedOrder"/>, falling back to computing on demand), each in its output dtype; at most
    /// threads + 1 times the largest tensor's output bytes are computed ahead of the writer.
    /// A tensor's bytes stay valid until the next tensor is requested.
    /// </summary>
    public IReadOnlyList<TensorToWrite> Stream(MergePlan plan, IReadOnlyList<string>? expectedOrder = null)
    {
        Reset();
        var stream = new PrefetchStream(this, plan, expectedOrder ?? plan.Tensors.Select(t => t.Name).ToArray());
        return plan.Tensors.Select(t => new TensorToWrite(new TensorInfo(t.Name, t.OutputDType, t.Shape), () => stream.Get(t.Name))).ToArray();
    }

    /// <summary>Stats of the last <see cref="Stream"/> once the writer is done.</summary>
    public MergeStats StreamStats(TimeSpan elapsed) => new(_done, 0, _bytesRead, _peak, elapsed, []);

    /// <summary>Elements per chunk of an elementwise merge: every input's chunk and the output's stay in L2.</summary>
    private const int ChunkElements = 1 << 16;

    /// <summary>Computes one planned tensor into <paramref name="output"/> (float32).</summary>
    public void Compute(MergePlan plan, PlannedTensor tensor, Span<float> output)
    {
        ComputeTensor(plan, tensor, output);
        ReleaseInputPages(plan, tensor);
    }

    private void ReleaseInputPages(MergePlan plan, PlannedTensor tensor)
    {
        if (!_options.ReleaseInputPages) return;
        foreach (var input in tensor.Base is { } b ? tensor.Inputs.Append(b) : tensor.Inputs)
            plan.Models[input.Model].ReleasePages(input.Tensor);
    }

    /// <summary>Drops the pages of elements [start, start + length) of every input of <paramref name="tensor"/>, read already.</summary>
    private static void ReleaseInputPages(MergePlan plan, PlannedTensor tensor, long start, long length)
    {
        foreach (var input in tensor.Base is { } b ? tensor.Inputs.Append(b) : tensor.Inputs)
        {
            var source = plan.Models[input.Model];
            source.TryGetInfo(input.Tensor, out var info);
            int size = info.DType.ByteSize();
            source.ReleasePages(input.Tensor, start * size, length * size);
        }
    }

    private void ComputeTensor(MergePlan plan, PlannedTensor tensor, Span<float> output)
    {
        _options.Cancellation.ThrowIfCancellationRequested();
        if (CanChunk(plan, tensor))
        {
            ComputeChunked(plan, tensor, output, default);
            return;
        }
        if (CanStream(plan, tensor))
        {
            ComputeStreamed(plan, tensor, output);
            return;
        }
        int n = checked((int)tensor.ElementCount);
        var rented = new List<float[]>();
        using var scratch = new ScratchArena();
        long held = 0;
        try
        {
            float[] Load(TensorInput input)
            {
                var a = ArrayPool<float>.Shared.Rent(n);
                rented.Add(a);
                Track(ref held, (long)n * sizeof(float));
                var source = plan.Models[input.Model];
                source.ReadFloat32(input.Tensor, a.AsSpan(0, n));
                source.TryGetInfo(input.Tensor, out var info);
                Interlocked.Add(ref _bytesRead, info.ElementCount * info.DType.ByteSize());
                return a;
            }
            var baseTensor = tensor.Base is { } b ? Load(b) : null;
            var inputs = tensor.Inputs.Select(Load).ToArray();
            // Scratch of the heavier methods: one task vector per input, counted up front.
            Track(ref held, (long)n * sizeof(float) * (inputs.Length + 1));
            var context = new TensorMergeContext(tensor.Name, tensor.Shape, baseTensor, inputs, tensor.Parameters, plan.Seed, scratch);
            plan.Method.Merge(context, output);
        }
        finally
        {
            foreach (var a in rented) ArrayPool<float>.Shared.Return(a);
            Interlocked.Add(ref _working, -held);
        }
    }

    /// <summary>
    /// An elementwise method over inputs whose stored bytes are the values (no adapter folded in on read) merges
    /// chunk by chunk from the memory-mapped bytes: no whole-tensor float32 copies, memory traffic of one pass.
    /// </summary>
    private static bool CanChunk(MergePlan plan, PlannedTensor tensor) =>
        !tensor.CopyOnly && plan.Method.IsElementwise(tensor.Parameters) && StoredBytesAreValues(plan, tensor);

    /// <summary>
    /// A method that reads in chunks (in several passes) over such inputs reads them straight from the mapped bytes
    /// too, converting one chunk at a time: no whole-tensor float32 copies, no page faults on fresh buffers.
    /// </summary>
    private static bool CanStream(MergePlan plan, PlannedTensor tensor) =>
        !tensor.CopyOnly && plan.Method.ReadsInChunks(tensor.Parameters) && StoredBytesAreValues(plan, tensor);

    private static bool StoredBytesAreValues(MergePlan plan, PlannedTensor tensor)
    {
        foreach (var input in tensor.Base is { } b ? tensor.Inputs.Append(b) : tensor.Inputs)
        {
            var source = plan.Models[input.Model];
            if (source is LoraFoldedModel or Lora.FactoredAdapterSource) return false;
            if (!source.TryGetInfo(input.Tensor, out var info) || !info.DType.IsFloat32Convertible()) return false;
        }
        return true;
    }

    /// <summary>
    /// Merges into <paramref name="output"/>, or, when <paramref name="writer"/> is given, through it chunk by chunk;
    /// <paramref name="words"/> is then the output when it is BF16 (<see cref="TensorMergeContext.BFloat16Output"/>).
    /// </summary>
    private unsafe void ComputeStreamed(MergePlan plan, PlannedTensor tensor, Span<float> output, OutputChunkWriter? writer = null, Span<ushort> words = default)
    {
        // The base, when there is one, is the input after the models (TensorMergeContext's convention).
        var all = tensor.Base is { } b ? tensor.Inputs.Append(b).ToArray() : tensor.Inputs;
        var infos = new TensorInfo[all.Length];
        long read = 0;
        for (int i = 0; i < all.Length; i++)
        {
            plan.Models[all[i].Model].TryGetInfo(all[i].Tensor, out infos[i]);
            read += infos[i].ElementCount * infos[i].DType.ByteSize();
        }
        using var scratch = new ScratchArena();
        fixed (float* o = output)
        fixed (ushort* w = words)
        {
            float* first = o;
            int count = output.Length;
            nint bf16 = (nint)w;
            WithPinnedInputs(plan, all, (addresses, lengths) =>
            {
                ReadOnlySpan<byte> Stored(int input, out DType dtype)
                {
                    dtype = infos[input].DType;
                    return new ReadOnlySpan<byte>((void*)addresses[input], lengths[input]);
                }
                var context = new TensorMergeContext(tensor.Name, tensor.Shape, tensor.Base is not null, tensor.Inputs.Length, Stored,
                    tensor.Parameters, plan.Seed, scratch)
                {
                    OutputWriter = writer,
                    BFloat16Output = bf16,
                    Workers = _workers,
                    InputsRead = _options.ReleaseInputPages ? (start, length) => ReleaseInputPages(plan, tensor, start, length) : null,
                };
                plan.Method.Merge(context, new Span<float>(first, count));
            });
        }
        Interlocked.Add(ref _bytesRead, read);
    }

    /// <summary>Merges chunk by chunk into <paramref name="floats"/>, or, when <paramref name="bytes"/> is given, into it in <paramref name="dtype"/>.</summary>
    private void ComputeChunked(MergePlan plan, PlannedTensor tensor, Span<float> floats, Span<byte> bytes, DType dtype = DType.F32)
    {
        if (plan.Method.AsLinearCombination(tensor.Parameters, tensor.Inputs.Length) is { } combination)
        {
            if (bytes.IsEmpty) ComputeCombination(plan, tensor, combination, MemoryMarshal.AsBytes(floats), DType.F32);
            else ComputeCombination(plan, tensor, combination, bytes, dtype);
            return;
        }
        int n = checked((int)tensor.ElementCount);
        int chunk = Math.Max(1, Math.Min(n, ChunkElements));
        var all = tensor.Base is { } b ? tensor.Inputs.Prepend(b).ToArray() : tensor.Inputs;
        int offset = tensor.Base is null ? 0 : 1;
        var buffers = new float[all.Length][];
        var infos = new TensorInfo[all.Length];
        for (int i = 0; i < all.Length; i++)
        {
            buffers[i] = ArrayPool<float>.Shared.Rent(chunk);
            plan.Models[all[i].Model].TryGetInfo(all[i].Tensor, out infos[i]);
        }
        var outChunk = bytes.IsEmpty ? null : ArrayPool<float>.Shared.Rent(chunk);
        long held = 0;
        Track(ref held, (long)chunk * sizeof(float) * (all.Length + 1));
        using var scratch = new ScratchArena();
        var models = buffers[offset..];
        int outSize = dtype.ByteSize();
        try
        {
            for (int start = 0; start < n; start += chunk)
            {
                int len = Math.Min(chunk, n - start);
                for (int i = 0; i < all.Length; i++)
                {
                    int size = infos[i].DType.ByteSize();
                    var stored = plan.Models[all[i].Model].GetBytes(all[i].Tensor).Slice(start * size, len * size);
                    FloatConversion.ToSingle(stored, infos[i].DType, buffers[i].AsSpan(0, len));
                }
                var context = new TensorMergeContext(tensor.Name, [len], offset == 1 ? buffers[0] : null, models, tensor.Parameters, plan.Seed, scratch);
                var target = outChunk is null ? floats.Slice(start, len) : outChunk.AsSpan(0, len);
                plan.Method.Merge(context, target);
                if (outChunk is not null) FloatConversion.FromSingle(target, dtype, bytes.Slice(start * outSize, len * outSize));
            }
            long read = 0;
            foreach (var info in infos) read += info.ElementCount * info.DType.ByteSize();
            Interlocked.Add(ref _bytesRead, read);
        }
        finally
        {
            foreach (var a in buffers) ArrayPool<float>.Shared.Return(a);
            if (outChunk is not null) ArrayPool<float>.Shared.Return(outChunk);
            Interlocked.Add(ref _working, -held);
        }
    }

    /// <summary>
    /// A linear combination straight from the mapped bytes into <paramref name="output"/> (as <paramref name="dtype"/>),
    /// one L1-sized block at a time: BF16 inputs are widened in registers, never copied into float32 buffers.
    /// </summary>
    private void ComputeCombination(MergePlan plan, PlannedTensor tensor, LinearCombination combination, Span<byte> output, DType dtype)
    {
        int n = checked((int)tensor.ElementCount);
        if (TryCombineBFloat16(plan, tensor, combination, output, dtype)) return;
        var inputs = tensor.Inputs;
        var infos = new TensorInfo[inputs.Length];
        long read = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            plan.Models[inputs[i].Model].TryGetInfo(inputs[i].Tensor, out infos[i]);
            read += infos[i].ElementCount * infos[i].DType.ByteSize();
        }
        TensorInfo? baseInfo = null;
        if (tensor.Base is { } b)
        {
            plan.Models[b.Model].TryGetInfo(b.Tensor, out var info);
            baseInfo = info;
            read += info.ElementCount * info.DType.ByteSize();
        }
        long held = 0;
        Track(ref held, 3L * StoredBlend.Block * sizeof(float));
        try
        {
            Span<float> scratch = stackalloc float[3 * StoredBlend.Block];
            var blend = new StoredBlend(combination, scratch);
            int outSize = dtype.ByteSize();
            int released = 0;
            for (int start = 0; start < n; start += StoredBlend.Block)
            {
                int len = Math.Min(StoredBlend.Block, n - start);
                if (tensor.Base is { } baseInput && baseInfo is not null)
                {
                    int size = baseInfo.DType.ByteSize();
                    blend.Start(len, plan.Models[baseInput.Model].GetBytes(baseInput.Tensor).Slice(start * size, len * size), baseInfo.DType);
                }
                else blend.Start(len);
                for (int i = 0; i < inputs.Length; i++)
                {
                    int size = infos[i].DType.ByteSize();
                    blend.Add(plan.Models[inputs[i].Model].GetBytes(inputs[i].Tensor).Slice(start * size, len * size), infos[i].DType);
                }
                blend.Finish(output.Slice(start * outSize, len * outSize), dtype);
                if (_options.ReleaseInputPages && (start + len - released >= TensorMergeContext.ReleaseSpan || start + len == n))
                {
                    ReleaseInputPages(plan, tensor, released, start + len - released);
                    released = start + len;
                }
            }
            Interlocked.Add(ref _bytesRead, read);
        }
        finally
        {
            Interlocked.Add(ref _working, -held);
        }
    }

    /// <summary>
    /// <see cref="ComputeCombination"/> over BF16 inputs into BF16 or float32: one register pass
    /// (<see cref="BFloat16Blend"/>) over the inputs pinned for the whole tensor; false for other dtypes.
    /// </summary>
    private unsafe bool TryCombineBFloat16(MergePlan plan, PlannedTensor tensor, LinearCombination combination, Span<byte> output, DType dtype)
    {
        if (dtype is not (DType.BF16 or DType.F32)) return false;
        var all = tensor.Base is { } b ? tensor.Inputs.Append(b).ToArray() : tensor.Inputs;
        long read = 0;
        foreach (var input in all)
        {
            if (!plan.Models[input.Model].TryGetInfo(input.Tensor, out var info) || info.DType != DType.BF16) return false;
            read += info.ElementCount * sizeof(ushort);
        }
        long n = tensor.ElementCount;
        fixed (byte* o = output)
        {
            var target = o;
            WithPinnedInputs(plan, all, (addresses, _) =>
            {
                var inputs = addresses.AsSpan(0, tensor.Inputs.Length);
                var baseWords = tensor.Base is null ? null : (ushort*)addresses[^1];
                long span = _options.ReleaseInputPages ? TensorMergeContext.ReleaseSpan : n;
                for (long start = 0; start < n; start += span)
                {
                    long len = Math.Min(span, n - start);
                    BFloat16Blend.Apply(combination, inputs, baseWords, target, dtype, (nint)start, (nint)len);
                    if (_options.ReleaseInputPages) ReleaseInputPages(plan, tensor, start, len);
                }
            });
        }
        Interlocked.Add(ref _bytesRead, read);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with the stored bytes of <paramref name="inputs"/> pinned: their addresses and
    /// lengths in bytes, valid until it returns (mapped bytes do not move; managed ones are held by <c>fixed</c>). A
    /// kernel then reads them without looking each tensor up by name again per chunk.
    /// </summary>
    private static unsafe void WithPinnedInputs(MergePlan plan, TensorInput[] inputs, Action<nint[], int[]> body)
    {
        var addresses = new nint[inputs.Length];
        var lengths = new int[inputs.Length];
        void Pin(int i)
        {
            if (i == inputs.Length)
            {
                body(addresses, lengths);
                return;
            }
            var bytes = plan.Models[inputs[i].Model].GetBytes(inputs[i].Tensor);
            fixed (byte* p = bytes)
            {
                addresses[i] = (nint)p;
                lengths[i] = bytes.Length;
                Pin(i + 1);
            }
        }
        Pin(0);
    }

    private void Track(ref long held, long bytes)
    {
        held += bytes;
        var now = Interlocked.Add(ref _working, bytes);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
    }

    private void Reset()
    {
        _workers = new WorkerBudget(_options.Threads);
        _working = _peak = _bytesRead = 0;
        _done = 0;
    }

    private ParallelOptions ParallelOptions() => new()
    {
        MaxDegreeOfParallelism = Math.Max(1, _options.Threads),
        CancellationToken = _options.Cancellation,
    };

    private void Report(int total, long totalBytes, Stopwatch clock)
    {
        var done = Interlocked.Increment(ref _done);
        _options.Progress?.Report(new MergeProgress(done, total, Interlocked.Read(ref _bytesRead), totalBytes, clock.Elapsed));
    }

    private static long InputBytes(MergePlan plan, PlannedTensor t)
    {
        long bytes = 0;
        foreach (var input in t.Base is { } b ? t.Inputs.Append(b) : t.Inputs)
        {
            plan.Models[input.Model].TryGetInfo(input.Tensor, out var info);
            bytes += info.ElementCount * info.DType.ByteSize();
        }
        return bytes;
    }

    /// <summary>Computes tensors ahead of a sequential consumer with a bounded window of tensors in flight.</summary>
    private sealed class PrefetchStream
    {
        private readonly MergeExecutor _executor;
        private readonly MergePlan _plan;
        private readonly Dictionary<string, PlannedTensor> _byName;
        private readonly string[] _order;
        private readonly Dictionary<string, int> _position;
        private readonly Task<byte[]>?[] _tasks;
        private readonly long[] _outputBytes;
        private readonly long _budget;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly long _totalBytes;
        private readonly SemaphoreSlim _slots;
        private byte[]? _previous;
        private int _next;

        public PrefetchStream(MergeExecutor executor, MergePlan plan, IReadOnlyList<string> order)
        {
            _executor = executor;
            _plan = plan;
            _byName = plan.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            _order = order.Where(_byName.ContainsKey).Concat(plan.Tensors.Select(t => t.Name).Except(order)).ToArray();
            _position = _order.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
            _tasks = new Task<byte[]>?[_order.Length];
            _outputBytes = _order.Select(n => _byName[n].ElementCount * _byName[n].OutputDType.ByteSize()).ToArray();
            // Ahead of the writer by bytes, not by tensor count: a count lets a few small tensors (norms) fill the window
            // while one large tensor computes alone; the bound on memory in flight stays that of threads + 1 of the largest.
            _budget = (Math.Max(1, executor._options.Threads) + 1) * Math.Max(1, _outputBytes.DefaultIfEmpty().Max());
            _slots = new SemaphoreSlim(Math.Max(1, executor._options.Threads));
            _totalBytes = plan.Tensors.Sum(t => InputBytes(plan, t));
        }

        public ReadOnlySpan<byte> Get(string name)
        {
            if (_previous is not null)
            {
                ArrayPool<byte>.Shared.Return(_previous);
                Interlocked.Add(ref _executor._working, -_previous.Length);
                _previous = null;
            }
            int at = _position[name];
            long ahead = 0;
            for (int i = at; i < Math.Min(_next, _order.Length); i++) ahead += _outputBytes[i];
            for (; _next < _order.Length && (_next <= at || ahead + _outputBytes[_next] <= _budget); _next++)
            {
                if (_next >= at) ahead += _outputBytes[_next];
                Start(_next);
            }
            var task = _tasks[at] ?? Start(at);
            var bytes = task.GetAwaiter().GetResult();
            _tasks[at] = null;
            _previous = bytes;
            var t = _byName[name];
            return bytes.AsSpan(0, checked((int)(t.ElementCount * t.OutputDType.ByteSize())));
        }

        private Task<byte[]> Start(int index)
        {
            if (_tasks[index] is { } existing) return existing;
            var t = _byName[_order[index]];
            var task = Task.Run(async () =>
            {
                await _slots.WaitAsync(_executor._options.Cancellation).ConfigureAwait(false);
                try
                {
                    return Produce(t);
                }
                finally
                {
                    _slots.Release();
                }
            });
            _tasks[index] = task;
            return task;
        }

        private byte[] Produce(PlannedTensor t)
        {
            _executor._workers.Enter();
            try
            {
                return ProduceBytes(t);
            }
            finally
            {
                _executor._workers.Leave();
            }
        }

        private byte[] ProduceBytes(PlannedTensor t)
        {
            int n = checked((int)t.ElementCount);
            var size = n * t.OutputDType.ByteSize();
            var bytes = ArrayPool<byte>.Shared.Rent(size);
            long held = 0;
            _executor.Track(ref held, bytes.Length);
            if (t.CopyOnly)
            {
                _plan.Models[t.Inputs[0].Model].GetBytes(t.Inputs[0].Tensor).CopyTo(bytes);
                _executor.ReleaseInputPages(_plan, t);
            }
            else if (CanChunk(_plan, t))
            {
                _executor.ComputeChunked(_plan, t, default, bytes.AsSpan(0, size), t.OutputDType);
                _executor.ReleaseInputPages(_plan, t);
            }
            else if (CanStream(_plan, t))
            {
                int outSize = t.OutputDType.ByteSize();
                _executor.ComputeStreamed(_plan, t, default, (start, values) =>
                    FloatConversion.FromSingle(values, t.OutputDType, bytes.AsSpan(start * outSize, values.Length * outSize)),
                    t.OutputDType == DType.BF16 ? MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan(0, size)) : default);
                _executor.ReleaseInputPages(_plan, t);
            }
            else
            {
                var floats = ArrayPool<float>.Shared.Rent(n);
                long f = 0;
                _executor.Track(ref f, (long)n * sizeof(float));
                try
                {
                    _executor.Compute(_plan, t, floats.AsSpan(0, n));
                    FloatConversion.FromSingle(floats.AsSpan(0, n), t.OutputDType, bytes.AsSpan(0, size));
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(floats);
                    Interlocked.Add(ref _executor._working, -f);
                }
            }
            _executor.Report(_order.Length, _totalBytes, _clock);
            return bytes;
        }
    }
}
