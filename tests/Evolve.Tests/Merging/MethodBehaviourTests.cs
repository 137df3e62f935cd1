using Evolve.Merging.Kernels;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using Evolve.Merging.Sparsification;
using static Evolve.Tests.Merging.MethodHarness;

namespace Evolve.Tests.Merging;

/// <summary>Hand computations, the documented departures from mergekit's bugs, and the registry's declarations.</summary>
public sealed class MethodBehaviourTests
{
    [Fact]
    public void RegistryHoldsTheTwentyMergekitMethodsWithTheirDefaults()
    {
        Assert.Equal(20, MergeMethodRegistry.All.Count);
        string Default(string method, string parameter) =>
            MergeMethodRegistry.Get(method).Parameters.Single(p => p.Name == parameter).DefaultText;
        Assert.Equal("true", Default("ties", "normalize"));
        Assert.Equal("false", Default("dare_ties", "normalize"));
        Assert.Equal("true", Default("dare_ties", "rescale"));
        Assert.Equal("true", Default("della", "normalize"));
        Assert.Equal("false", Default("della_linear", "normalize"));
        Assert.Equal("0.15", Default("della", "epsilon"));
        Assert.Equal("0.01", Default("breadcrumbs", "gamma"));
        Assert.Equal("required", Default("slerp", "t"));
        Assert.Equal("10", Default("karcher", "max_iter"));
        Assert.Equal("1E-05", Default("ram", "epsilon"));
        Assert.Equal("0.2", Default("ramplus_tl", "alpha"));
        Assert.Equal(ParameterScope.PerModel, MergeMethodRegistry.Get("ties").Parameters.Single(p => p.Name == "density").Scope);
        Assert.Equal(ParameterScope.Global, MergeMethodRegistry.Get("ties").Parameters.Single(p => p.Name == "lambda").Scope);
        Assert.DoesNotContain(MergeMethodRegistry.Get("sce").Parameters, p => p.Name == "weight");
        foreach (var m in MergeMethodRegistry.All)
            foreach (var p in m.Parameters)
                Assert.True(p.Search.IsFinite && p.Search.Min >= p.Valid.Min && p.Search.Max <= p.Valid.Max, $"{m.Name}.{p.Name}");
    }

    [Fact]
    public void SignElectionBySummedMassKeepsOnlyTheHeavyModel()
    {
        // W = [0.9, −0.2, −0.3]: Σ = 0.4 > 0, so only model 1 agrees; normalize divides by its weight 1.
        var result = Run("ties", [0f], [[0.9f], [-0.2f], [-0.3f]], new() { ["weight"] = [1, 1, 1] });
        AssertClose([0.9], result);
        // An exact tie (0.5 vs −0.5) elects +.
        var tie = Run("ties", [0f], [[0.5f], [-0.5f]], new() { ["weight"] = [1, 1] });
        AssertClose([0.5], tie);
    }

    [Fact]
    public void BreadcrumbsKeepsSmallTensorsThatMergekitZeroes()
    {
        // numel 50, gamma 0.01, density 0.9: n_top = 0, n_bot = 5 → the 45 largest magnitudes survive (mergekit: 0).
        var delta = Enumerable.Range(1, 50).Select(i => (float)(i % 2 == 0 ? i : -i)).ToArray();
        var pruned = (float[])delta.Clone();
        OutlierPruning.Apply(pruned, 0.9, 0.01);
        Assert.Equal(45, pruned.Count(v => v != 0));
        Assert.All(pruned.Take(5), v => Assert.Equal(0f, v));
        Assert.Equal(delta.Skip(5), pruned.Skip(5));
    }

    [Fact]
    public void SlerpWithAZeroTensorIsTheLerp()
    {
        // mergekit gives 0.7071·v here (θ = π/2 against an unnormalized zero vector); the zero vector has no direction.
        var result = Run("slerp", [0f, 0f, 0f], [[2f, -4f, 6f]], new() { ["t"] = [0.5] });
        AssertClose([1, -2, 3], result);
    }

    [Fact]
    public void SceSelectingNothingReturnsTheBaseWithItsShape()
    {
        var result = Run("sce", Base, [A, B, C], new() { ["select_topk"] = [0] });
        AssertClose(Base.Select(v => (double)v).ToArray(), result);
    }

    [Fact]
    public void SceSelectKeepsTheHighestVarianceElements()
    {
        // Two models, four elements: variances (d/2)² rank elements 3 > 1 > 2 > 0; select_topk 0.5 keeps 3 and 1.
        float[] zero = [0, 0, 0, 0];
        var result = Run("sce", zero, [[0.1f, 1f, 0.2f, 3f], [-0.1f, -1f, 0.1f, -3f]], new() { ["select_topk"] = [0.5] });
        // kept: element 1 (T = ±1) and 3 (T = ±3); s ∝ mean(T²) equal, Σ = 0 elects +, so the + model's value wins.
        AssertClose([0, 1, 0, 3], result);
    }

    [Fact]
    public void RankSelectionMatchesAFullSort()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 10_001).Select(_ => (float)(rng.NextDouble() - 0.5) * (rng.Next(3) == 0 ? 1e-3f : 1f)).ToArray();
        x[17] = x[18] = x[19] = 0.25f;
        var sorted = x.Select(Math.Abs).Order().ToArray();
        foreach (var rank in new[] { 0, 1, 17, 5000, 9999, 10_000 })
        {
            var bits = RankSelection.MagnitudeAtRank(x, rank, out var below);
            Assert.Equal(sorted[rank], BitConverter.UInt32BitsToSingle(bits));
            Assert.Equal(sorted.Count(v => v < sorted[rank]), below);
        }
        var kept = (float[])x.Clone();
        MagnitudePruning.Apply(kept, 0.3);
        Assert.Equal(3000, kept.Count(v => v != 0));
        var threshold = sorted[10_001 - 3000];
        Assert.All(kept.Where(v => v != 0), v => Assert.True(Math.Abs(v) >= threshold));
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(400, 4000)]
    [InlineData(1234, 1235)]
    [InlineData(2500, 2500)]
    [InlineData(3001, 5003)]
    public void RankRangeOnHeavilyTiedMagnitudesMatchesAStableArgsort(int lo, int hi)
    {
        // Five magnitudes only (as in a quantized task vector), so both thresholds fall among thousands of equal
        // elements and many SIMD blocks hold some of them.
        const int n = 5003;
        var x = Enumerable.Range(0, n).Select(i => (i * 7919 % 5 + 1) * 0.125f * (i % 3 == 0 ? -1 : 1)).ToArray();
        var rankOf = new int[n];
        var order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(x[i])).ThenBy(i => i).ToArray();
        for (int r = 0; r < n; r++) rankOf[order[r]] = r;
        var expected = x.Select((v, i) => rankOf[i] >= lo && rankOf[i] < hi ? v : 0f).ToArray();
        var kept = (float[])x.Clone();
        RankSelection.KeepRankRange(kept, lo, hi);
        Assert.Equal(expected, kept);
    }

    [Fact]
    public void MagnitudePruningBreaksTiesByIndexDeterministically()
    {
        float[] x = [1, -1, 1, 1, 0.5f];
        MagnitudePruning.Apply(x, 0.4); // k = 2 of four equal magnitudes: the two latest ones rank highest
        Assert.Equal([0f, 0f, 1f, 1f, 0f], x);
    }

    [Fact]
    public void DareKeepsTheDensityFractionAndMatchesTheL1Norm()
    {
        const int n = 1_000_000;
        var rng = new Random(3);
        var delta = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var pruned = (float[])delta.Clone();
        using var scratch = new ScratchArena();
        TaskVectorPruning.Apply(SparsificationKind.Random, pruned, new PruneSettings(0.3, 0, 0, true, 42, n), scratch);
        double kept = pruned.Count(v => v != 0) / (double)n;
        Assert.InRange(kept, 0.3 - 4 * Math.Sqrt(0.3 * 0.7 / n), 0.3 + 4 * Math.Sqrt(0.3 * 0.7 / n));
        Assert.Equal(Fp64.SumAbs(delta), Fp64.SumAbs(pruned), 1e-6 * Fp64.SumAbs(delta));
        // The rescale is the L1 ratio, applied to every survivor alike.
        var scale = Fp64.SumAbs(delta) / Fp64.SumAbs(delta.Where((_, i) => pruned[i] != 0).ToArray());
        for (int i = 0; i < 1000; i++)
            if (pruned[i] != 0) Assert.Equal(delta[i] * scale, pruned[i], 1e-5);
    }

    [Fact]
    public void DellaKeepsElementsAtTheirRankProbability()
    {
        // One row of 2000 distinct magnitudes repeated over 500 rows: the bottom decile is kept with ≈ density−ε
        // plus the rank slope, the top decile with ≈ density+ε.
        const int cols = 2000, rows = 500;
        var delta = new float[cols * rows];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) delta[r * cols + c] = (c + 1) * (c % 2 == 0 ? 1f : -1f);
        using var scratch = new ScratchArena();
        var pruned = (float[])delta.Clone();
        TaskVectorPruning.Apply(SparsificationKind.RankSampling, pruned, new PruneSettings(0.5, 0.2, 0.2, false, 9, cols), scratch);
        double Fraction(int from, int to)
        {
            long kept = 0;
            for (int r = 0; r < rows; r++)
                for (int c = from; c < to; c++) if (pruned[r * cols + c] != 0) kept++;
            return kept / (double)(rows * (to - from));
        }
        // Expected mean keep probability over ranks [a, b): 0.3 + 0.4·mean(r/(m−1)).
        double Expected(int a, int b) => 0.3 + 0.4 * ((a + b - 1) / 2.0) / (cols - 1);
        Assert.Equal(Expected(0, 200), Fraction(0, 200), 0.01);
        Assert.Equal(Expected(1800, 2000), Fraction(1800, 2000), 0.01);
        Assert.Equal(0.5, pruned.Count(v => v != 0) / (double)pruned.Length, 0.005);
    }

    [Fact]
    public void RandomMethodsAreAPureFunctionOfSeedTensorAndModel()
    {
        var a = Run("dare_ties", Base, [A, B, C], new() { ["weight"] = [1, 1, 1], ["density"] = [0.5, 0.5, 0.5] }, seed: 5);
        var again = Run("dare_ties", Base, [A, B, C], new() { ["weight"] = [1, 1, 1], ["density"] = [0.5, 0.5, 0.5] }, seed: 5);
        Assert.Equal(a, again);
        var masks = Enumerable.Range(0, 20).Select(seed =>
            Run("dare_linear", Base, [A], new() { ["weight"] = [1], ["density"] = [0.5], ["rescale"] = [0] }, seed: (ulong)seed))
            .Select(r => string.Join(",", r)).Distinct().Count();
        Assert.True(masks > 5, "different seeds draw different masks");
        Assert.NotEqual(MaskRandom.StreamKey(1, "x", 0), MaskRandom.StreamKey(1, "x", 1));
        Assert.NotEqual(MaskRandom.StreamKey(1, "x", 0), MaskRandom.StreamKey(1, "y", 0));
    }

    [Fact]
    public void HalfPrecisionScaleSumsDoNotOverflow()
    {
        // 200k elements of magnitude ≈ 1: Σ|x| ≈ 2e5 > 65504 (fp16 max), which turned mergekit's fp16 TIES+rescale to NaN.
        const int n = 200_000;
        var baseT = new float[n];
        var model = Enumerable.Range(0, n).Select(i => (float)(Half)(1 + (i % 7) * 0.1f)).ToArray();
        var result = Run("ties", baseT, [model], new() { ["weight"] = [1], ["density"] = [0.5], ["rescale"] = [1] });
        Assert.DoesNotContain(result, float.IsNaN);
        Assert.Equal(Fp64.SumAbs(model), Fp64.SumAbs(result), 1e-6 * Fp64.SumAbs(model));
    }

    [Fact]
    public void RamPlusBoostsUniqueChangesByTheSharedRatio()
    {
        // Model 0 changes elements 0,1 (1 unique, 1 shared): ρ = 1 → λ = 1 + 0.1·min(1, 0.2) = 1.02.
        float[] zero = [0, 0, 0];
        var result = Run("ramplus_tl", zero, [[1f, 2f, 0f], [0f, 4f, 0f]]);
        AssertClose([1.02, 3, 0], result);
    }

    [Fact]
    public void PassthroughScales() =>
        AssertClose([2, -4], Run("passthrough", null, [[1f, -2f]], new() { ["scale"] = [2] }));
}

/// <summary>The exact rank select on the paths a small and a large tensor take, against a sorted copy.</summary>
public sealed class RankSelectPathTests
{
    [Theory]
    [InlineData("random")]
    [InlineData("few values")]
    [InlineData("ascending")]
    [InlineData("descending")]
    [InlineData("all equal")]
    public void QuickSelectFindsTheKthSmallestOfAnyOrder(string order)
    {
        const int n = 3001;
        var rng = new Random(5);
        uint[] values = order switch
        {
            "random" => Enumerable.Range(0, n).Select(_ => (uint)rng.Next()).ToArray(),
            "few values" => Enumerable.Range(0, n).Select(_ => (uint)rng.Next(4)).ToArray(),
            "ascending" => Enumerable.Range(0, n).Select(i => (uint)i).ToArray(),
            "descending" => Enumerable.Range(0, n).Select(i => (uint)(n - i)).ToArray(),
            _ => Enumerable.Repeat(7u, n).ToArray(),
        };
        var sorted = values.Order().ToArray();
        foreach (var k in new[] { 0, 1, n / 3, n / 2, n - 2, n - 1 })
            Assert.Equal(sorted[k], MagnitudeRankSelector.QuickSelect((uint[])values.Clone(), k));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("few values")]
    [InlineData("ascending")]
    [InlineData("all equal")]
    [InlineData("float magnitudes")]
    public void OrderStatisticsAtSeveralRanksEqualASortedCopys(string order)
    {
        const int n = 70_001;
        var rng = new Random(6);
        uint[] values = order switch
        {
            "random" => Enumerable.Range(0, n).Select(_ => (uint)rng.Next()).ToArray(),
            "few values" => Enumerable.Range(0, n).Select(_ => (uint)rng.Next(4) << 20).ToArray(),
            "ascending" => Enumerable.Range(0, n).Select(i => (uint)i << 11).ToArray(),
            "all equal" => Enumerable.Repeat(7u, n).ToArray(),
            // Normal task-vector values: their magnitudes crowd a few of the histogram's buckets.
            _ => Enumerable.Range(0, n).Select(_ => BitConverter.SingleToUInt32Bits(
                MathF.Abs((float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) * 1e-3)))).ToArray(),
        };
        var sorted = values.Order().ToArray();
        foreach (int[] ranks in new[] { new[] { 0, n / 2, n - 1 }, [n / 3, n / 3, n / 3 + 1], [n / 2 - 900, n / 2, n / 2 + 900], [n - 1] })
        {
            var results = new uint[ranks.Length];
            OrderStatistics.Select(values, ranks, results);
            Assert.Equal(ranks.Select(r => sorted[r]), results);
        }
    }

    [Fact]
    public void AChunkedTensorWhoseWindowHoldsManyElementsSelectsThroughTheHistogramsOfTheKeptOnes()
    {
        // 2.4 M elements in chunks of 16 Ki: the ±2 % window keeps about 96 Ki magnitudes, more than a copy selects.
        const int n = 2_400_000, chunk = 1 << 14;
        var rng = new Random(9);
        var x = Enumerable.Range(0, n).Select(_ => rng.Next(-2000, 2001) / 1024f).ToArray();
        var sorted = x.Select(v => BitConverter.SingleToUInt32Bits(Math.Abs(v))).Order().ToArray();
        // A guess of the magnitude at the rank (as a one-pass merge's sample gives) settles it with one count when
        // right, and changes nothing when wrong.
        foreach (var (rank, guess) in new[] { (n / 2, (uint?)null), (n / 3, null), (n / 2, sorted[n / 2]), (n / 3, sorted[n / 3] + 1) })
        {
            using var selector = new MagnitudeRankSelector(rank, n);
            while (selector.NeedsPass)
            {
                for (int start = 0; start < n; start += chunk) selector.Count(x.AsSpan(start, Math.Min(chunk, n - start)));
                selector.EndPass(guess);
            }
            var bits = selector.Result(out var below, out var equal);
            Assert.Equal(sorted[rank], bits);
            Assert.Equal(Array.IndexOf(sorted, bits), below);
            Assert.Equal(sorted.Count(b => b == bits), equal);
        }
        Assert.True(n / 25 > MagnitudeRankSelector.SmallSelect);
    }
}
