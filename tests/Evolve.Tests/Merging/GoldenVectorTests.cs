using static Evolve.Tests.Merging.MethodHarness;

namespace Evolve.Tests.Merging;

/// <summary>Every golden vector of mergekit-methods.md (§1.6.4, §1.7–§1.13), produced by mergekit's own code, within 1e-6.</summary>
public sealed class GoldenVectorTests
{
    private static Dictionary<string, double[]> Gta(params (string, double[])[] extra)
    {
        var d = new Dictionary<string, double[]> { ["weight"] = [1.0, 0.5, 0.7], ["density"] = [0.5, 0.5, 0.75] };
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }

    private static float[][] Abc => [A, B, C];

    [Fact]
    public void TaskArithmetic() =>
        AssertClose([0.59, -0.26, 0.43, 0.05, 0.92, -0.67, 0.525, -0.425], Run("task_arithmetic", Base, Abc, Gta()));

    [Fact]
    public void TaskArithmeticNormalizedEqualsLinear()
    {
        double[] expected = [0.268182, -0.118182, 0.195455, 0.022727, 0.963636, -0.85, 0.511364, -0.193182];
        AssertClose(expected, Run("task_arithmetic", Base, Abc, Gta(("normalize", [1]))));
        AssertClose(expected, Run("linear", null, Abc, new() { ["weight"] = [1.0, 0.5, 0.7] }));
    }

    [Fact]
    public void Ties() =>
        AssertClose([0.9, -0.6, 0.333333, 0, 0.6, -0.6, 0.5, -0.7], Run("ties", Base, Abc, Gta()));

    [Fact]
    public void TiesWithoutNormalize() =>
        AssertClose([0.9, -0.3, 0.5, 0, 0.6, -0.72, 0.5, -0.7], Run("ties", Base, Abc, Gta(("normalize", [0]))));

    [Fact]
    public void TiesLambdaHalf() =>
        AssertClose([0.45, -0.3, 0.166667, 0, 0.8, -0.8, 0.5, -0.35], Run("ties", Base, Abc, Gta(("lambda", [0.5]))));

    [Fact]
    public void Breadcrumbs() =>
        AssertClose([-0.21, 0.14, 0.43, 0, 0.92, -0.95, 0.5, -0.425],
            Run("breadcrumbs", Base, Abc, Gta(("gamma", [0.125, 0.125, 0.125]))));

    [Fact]
    public void BreadcrumbsTies() =>
        AssertClose([-0.21, 0.14, 0.5, 0, 0.6, -0.8, 0.5, -0.7],
            Run("breadcrumbs_ties", Base, Abc, Gta(("gamma", [0.125, 0.125, 0.125]))));

    [Fact]
    public void ModelStock() =>
        AssertClose([-0.581568, 0.726961, -0.872353, -0.145392, 0.709216, -1.436177, 0.5, 0.36348], Run("model_stock", Base, Abc));

    [Fact]
    public void Sce() =>
        AssertClose([0.9, -0.286399, 0.33728, 0.1, 1.387547, -0.762278, 0.55, -0.7], Run("sce", Base, Abc));

    [Fact]
    public void NearSwap() =>
        AssertClose([0.1, -0.1, 0.1, 0, 0.9, -0.9, 0.55, -0.1], Run("nearswap", Base, [A], new() { ["t"] = [0.1] }));

    [Fact]
    public void Ram() =>
        AssertClose([0.133333, -0.166667, 0.2, 0.1, 1.066667, -0.9, 0.5, -0.083333], Run("ram", Base, Abc));

    [Fact]
    public void Slerp() =>
        AssertClose([0.614891, -0.284243, 0.366905, 0.034702, 0.976722, -1.059384, 0.574338, -0.462825],
            Run("slerp", A, [B], new() { ["t"] = [0.3] }));

    [Fact]
    public void NuSlerpFlattenEqualsSlerp() =>
        AssertClose([0.614891, -0.284243, 0.366905, 0.034702, 0.976722, -1.059384, 0.574338, -0.462825],
            Run("nuslerp", null, [A, B], new() { ["weight"] = [0.7, 0.3] }));

    [Fact]
    public void NuSlerpWithBase() =>
        AssertClose([0.810592, -0.445652, 0.536887, 0.057148, 0.874677, -0.965912, 0.522809, -0.605062],
            Run("nuslerp", Base, [A, B], new() { ["weight"] = [0.7, 0.3] }));

    [Fact]
    public void MultiSlerpWithoutBase() =>
        AssertClose([0.323004, -0.091262, 0.205347, 0.020931, 1.141173, -0.985739, 0.624118, -0.234436],
            Run("multislerp", null, Abc, new() { ["weight"] = [1.0, 0.5, 0.7] }));

    [Fact]
    public void MultiSlerpWithBase() =>
        AssertClose([0.391343, -0.232363, 0.484292, 0.075824, 1.081208, -0.314652, 0.520545, -0.242387],
            Run("multislerp", Base, Abc, new() { ["weight"] = [1.0, 0.5, 0.7] }));

    [Fact]
    public void Karcher() =>
        AssertClose([0.18065, -0.129632, 0.202074, 0.030398, 1.237693, -1.023632, 0.610637, -0.119037], Run("karcher", null, Abc));

    [Fact]
    public void ArceeFusion() =>
        AssertClose([0.9, 0, 0, 0, 1, -1, 0.5, 0], Run("arcee_fusion", Base, [A]));

    private static readonly float[] M0 = [1, 0, 2, 0, 1, -1];
    private static readonly float[] M1 = [0, 1, 2, 1, 1, 1];

    [Theory]
    [InlineData(true, false, new[] { 0.570819, 0.570819, 2.283276, 0.570819, 1.141638, 0 })]
    [InlineData(false, false, new[] { 0.527046, 0.527046, 2.108185, 0.707107, 1.414214, 0 })]
    [InlineData(false, true, new[] { 0.707107, 0.541196, 2.236068, 0.707107, 1.082392, 0 })]
    public void NuSlerpMatrixModes(bool flatten, bool rowWise, double[] expected) =>
        AssertClose(expected, Run("nuslerp", null, [M0, M1],
            new() { ["weight"] = [0.5, 0.5], ["nuslerp_flatten"] = [flatten ? 1 : 0], ["nuslerp_row_wise"] = [rowWise ? 1 : 0] },
            shape: [2, 3]));

    [Fact]
    public void DellaKeepProbabilities()
    {
        float[] row = [0.1f, -0.4f, 0.2f, 0.8f, -0.05f];
        var p = new double[5];
        Evolve.Merging.Sparsification.RankSamplingPruning.KeepProbabilities(row, 0.5, 0.2, new ulong[5], p);
        AssertClose([0.4, 0.6, 0.5, 0.7, 0.3], p.Select(v => (float)v).ToArray());
    }
}
