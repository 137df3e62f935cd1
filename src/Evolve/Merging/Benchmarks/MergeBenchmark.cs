using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using Evolve.Checkpoints;
using Evolve.Merging.Execution;
using Evolve.Merging.Output;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Benchmarks;

/// <summary>
/// Throughput of one method (median seconds), the median ratio to the baseline run right before each repetition, and
/// the median share of the threads' time spent on the CPU (process CPU time / (wall × threads)): well below 1 means
/// threads waited, not computed.
/// </summary>
internal sealed record MethodThroughput(string Method, double Seconds, double GBps, double RatioToBandwidth, double CpuUtilization);

/// <summary>A merge written to disk: its time, the process's peak RSS (and its anonymous part) and the executor's peak working set.</summary>
internal sealed record DiskMerge(string Method, double Seconds, long PeakRssBytes, long PeakAnonymousRssBytes, long PeakWorkingBytes);

internal sealed record MergeBenchmarkResult(
    long ModelBytes, int Models, int Layers, int Threads, double BandwidthGBps, IReadOnlyList<MethodThroughput> Methods,
    IReadOnlyList<DiskMerge> DiskMerges,
    double FullMergeSeconds, double IncrementalSeconds, double IncrementalRatio, int IncrementalComputed, int IncrementalReused);

/// <summary>
/// <c>evolve bench merge</c>: merges 3 synthetic Llama-7B-shaped BF16 models (2 layers, ≈0.4 B parameters each) and
/// reports GB/s of input read for linear, task_arithmetic, ties and dare_ties, each as a ratio of the bandwidth
/// measured in the same run by a SIMD read-modify-write over the same bytes (three inputs read, one written);
/// the peak RSS of a linear and a TIES merge written to disk relative to one input model's size; and an incremental
/// re-merge after one layer's parameters change, as a ratio of the full merge.
/// </summary>
internal static class MergeBenchmark
{
    /// <summary>The methods measured, in order.</summary>
    public static readonly IReadOnlyList<string> Methods = ["linear", "task_arithmetic", "ties", "dare_ties"];

    public static MergeBenchmarkResult Run(int layers, int threads, int repetitions, string? workFolder, IProgress<string>? progress,
        int hidden = 4096, int intermediate = 11008, IReadOnlyCollection<string>? methods = null)
    {
        var root = Path.Combine(workFolder ?? Path.GetTempPath(), $"evolve-bench-merge-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var paths = Enumerable.Range(0, 3).Select(m => Path.Combine(root, $"model{m}")).ToArray();
            long modelBytes = 0;
            for (int m = 0; m < 3; m++)
            {
                progress?.Report($"writing synthetic model {m + 1}/3");
                modelBytes = SyntheticCheckpoint.Write(paths[m], m, layers, hidden, intermediate);
            }
            var folders = paths.Select(HfModelFolder.Open).ToArray();
            try
            {
                using var models = ModelSet.Borrow(paths.Select((p, i) => (new ModelReference(p), folders[i].Weights)));
                // First, so the peak RSS is the disk merges' own, not buffers pooled by the runs below: linear (one
                // read, chunks converted in registers), then ties (the one-pass merge's window records on top; the
                // few buffers linear leaves pooled count in its figure).
                var diskMerges = new List<DiskMerge>();
                foreach (var (name, yaml) in Recipes(paths).Where(r => r.Name is "linear" or "ties"))
                {
                    progress?.Report($"merging with {name} to disk while sampling RSS");
                    diskMerges.Add(MergeToDisk(root, name, yaml, threads));
                }

                progress?.Report("warming up: bandwidth baseline (SIMD read-modify-write over the same bytes)");
                Bandwidth(folders, threads);
                double inputBytes = 3.0 * modelBytes;
                var baselines = new List<double>();
                var measured = new List<MethodThroughput>();
                foreach (var (name, yaml) in Recipes(paths).Where(r => methods is null || methods.Contains(r.Name)))
                {
                    progress?.Report($"merging with {name}, each repetition right after a baseline run");
                    var plan = MergePlanner.Plan(RecipeYaml.Parse(yaml), models, seed: 1);
                    // On a shared machine the load drifts within seconds: a ratio of a baseline and a merge timed
                    // minutes apart measures the drift. Each repetition pairs the two back to back; the median of
                    // the pairs' ratios is reported.
                    var seconds = new List<double>();
                    var ratios = new List<double>();
                    var busy = new List<double>();
                    for (int r = 0; r < Math.Max(1, repetitions); r++)
                    {
                        var baseline = Bandwidth(folders, threads);
                        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                        var merge = Consume(plan, threads);
                        busy.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / (merge * threads));
                        baselines.Add(baseline);
                        seconds.Add(merge);
                        ratios.Add(plan.InputBytes() / merge / (inputBytes / baseline));
                    }
                    var median = Median(seconds);
                    measured.Add(new MethodThroughput(name, median, plan.InputBytes() / 1e9 / median, Median(ratios), Median(busy)));
                }
                double bandwidthGBps = inputBytes / 1e9 / Median(baselines);

                progress?.Report("full and incremental merges into a weight set");
                var (full, incremental, ratio, stats) = Incremental(models, paths, threads, repetitions);
                return new MergeBenchmarkResult(modelBytes, 3, layers, threads, bandwidthGBps, measured, diskMerges,
                    full, incremental, ratio, stats.Computed, stats.Reused);
            }
            finally
            {
                foreach (var f in folders) f.Dispose();
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static IEnumerable<(string Name, string Yaml)> Recipes(string[] p)
    {
        yield return ("linear", $"merge_method: linear\nmodels:\n  - model: {p[0]}\n  - model: {p[1]}\n  - model: {p[2]}\nparameters:\n  weight: 0.3333333\n");
        var gta = $"base_model: {p[0]}\nmodels:\n  - model: {p[1]}\n    parameters: {{weight: 0.6, density: 0.5}}\n  - model: {p[2]}\n    parameters: {{weight: 0.4, density: 0.5}}\n";
        yield return ("task_arithmetic", "merge_method: task_arithmetic\n" + gta);
        yield return ("ties", "merge_method: ties\n" + gta);
        yield return ("dare_ties", "merge_method: dare_ties\n" + gta);
    }

    /// <summary>
    /// The baseline: every tensor's three inputs read and one output written, BF16 words added with SIMD, in blocks
    /// of <see cref="BandwidthBlock"/> words spread over the threads (whole tensors would leave threads idle while
    /// the largest finishes, and understate the bandwidth of a machine with more threads than large tensors).
    /// </summary>
    private static double Bandwidth(HfModelFolder[] folders, int threads)
    {
        var clock = Stopwatch.StartNew();
        var blocks = folders[0].Weights.Tensors
            .SelectMany(t => Enumerable.Range(0, (int)((t.ElementCount + BandwidthBlock - 1) / BandwidthBlock)).Select(b => (t.Name, Start: (long)b * BandwidthBlock)))
            .ToArray();
        Parallel.ForEach(blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, block =>
        {
            ReadOnlySpan<Vector<ushort>> Words(int model)
            {
                var bytes = folders[model].Weights.GetBytes(block.Name);
                long start = block.Start * sizeof(ushort);
                return MemoryMarshal.Cast<byte, Vector<ushort>>(bytes.Slice((int)start, (int)Math.Min(BandwidthBlock * sizeof(ushort), bytes.Length - start)));
            }
            ReadOnlySpan<Vector<ushort>> a = Words(0), b = Words(1), c = Words(2);
            var output = ArrayPool<Vector<ushort>>.Shared.Rent(a.Length);
            for (int i = 0; i < a.Length; i++) output[i] = a[i] + b[i] + c[i];
            ArrayPool<Vector<ushort>>.Shared.Return(output);
        });
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>BF16 words per block of the bandwidth baseline (2 MiB of each input).</summary>
    private const int BandwidthBlock = 1 << 20;

    /// <summary>A full merge streamed as the writer would take it, minus the disk: every tensor computed and converted to its output dtype.</summary>
    private static double Consume(MergePlan plan, int threads)
    {
        var clock = Stopwatch.StartNew();
        var executor = new MergeExecutor(new MergeExecutorOptions { Threads = threads });
        long checksum = 0;
        foreach (var t in executor.Stream(plan, plan.Tensors.Select(x => x.Name).ToArray()))
            checksum += t.Bytes()[0];
        GC.KeepAlive(checksum);
        return clock.Elapsed.TotalSeconds;
    }

    private static DiskMerge MergeToDisk(string root, string method, string yaml, int threads)
    {
        var output = Path.Combine(root, $"merged-{method}");
        var recipe = RecipeYaml.Parse(yaml);
        long peakRss = 0, peakAnon = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (rss, anon) = ReadRss();
                peakRss = Math.Max(peakRss, rss);
                peakAnon = Math.Max(peakAnon, anon);
                Thread.Sleep(5);
            }
        });
        var clock = Stopwatch.StartNew();
        var result = MergeToFolder.Run(recipe, root, output, new MergeToFolderOptions { Threads = threads, MaxShardBytes = 5_000_000_000 });
        var seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        sampler.Wait();
        Directory.Delete(output, recursive: true);
        return new DiskMerge(method, seconds, peakRss, peakAnon, result.Stats.PeakWorkingBytes);
    }

    /// <summary>VmRSS and RssAnon of this process (bytes), from /proc; zeros where it does not exist.</summary>
    private static (long Rss, long Anonymous) ReadRss()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return (0, 0);
        long rss = 0, anon = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kilobytes(line) * 1024;
        }
        return (rss, anon);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Pairs of a full merge into a fresh weight set and a re-merge after layer 1's weight changes, repeated: the
    /// medians of both times and of the pairs' ratios (a single pair swings with the cost of faulting in fresh
    /// buffers, which varies on a shared machine, and now and then a re-merge takes twice its usual time). A first
    /// pair warms the weight-set path up, untimed; at least <see cref="IncrementalPairs"/> pairs are timed.
    /// </summary>
    private const int IncrementalPairs = 5;

    private static (double Full, double Incremental, double Ratio, MergeStats Stats) Incremental(ModelSet models, string[] p, int threads, int repetitions)
    {
        string Recipe(double layerOne) => $"merge_method: ties\nbase_model: {p[0]}\nmodels:\n"
            + $"  - model: {p[1]}\n    parameters:\n      weight: [{{filter: layers.1., value: {layerOne.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}, {{value: 0.6}}]\n      density: 0.5\n"
            + $"  - model: {p[2]}\n    parameters: {{weight: 0.4, density: 0.5}}\n";
        var executor = new MergeExecutor(new MergeExecutorOptions { Threads = threads });
        var fulls = new List<double>();
        var changes = new List<double>();
        var ratios = new List<double>();
        MergeStats? stats = null;
        for (int r = -1; r < Math.Max(IncrementalPairs, repetitions); r++)
        {
            using var weights = new WeightSet();
            var full = executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Recipe(0.6)), models), weights);
            stats = executor.MergeInto(MergePlanner.Plan(RecipeYaml.Parse(Recipe(0.8)), models), weights);
            if (r < 0) continue;
            fulls.Add(full.Elapsed.TotalSeconds);
            changes.Add(stats.Elapsed.TotalSeconds);
            ratios.Add(stats.Elapsed.TotalSeconds / full.Elapsed.TotalSeconds);
        }
        return (Median(fulls), Median(changes), Median(ratios), stats!);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
