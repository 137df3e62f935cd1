using Evolve.Merging.Kernels;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;

namespace Evolve.Tests.Merging;

/// <summary>The golden inputs of mergekit-methods.md §1.6.4 and a one-call way to run a method on them.</summary>
internal static class MethodHarness
{
    public static readonly float[] Base = [0, 0, 0, 0, 1, -1, 0.5f, 0];
    public static readonly float[] DeltaA = [0.9f, -0.1f, 0.3f, 0, -0.4f, 0.2f, 0.05f, -0.7f];
    public static readonly float[] DeltaB = [-0.2f, -0.6f, 0.4f, 0.1f, 0.5f, -0.3f, -0.05f, 0.2f];
    public static readonly float[] DeltaC = [-0.3f, 0.2f, -0.1f, 0, 0.1f, 0.4f, 0, 0.25f];

    public static float[] A => Add(Base, DeltaA);
    public static float[] B => Add(Base, DeltaB);
    public static float[] C => Add(Base, DeltaC);

    public static float[] Add(float[] x, float[] y) => x.Zip(y, (a, b) => a + b).ToArray();

    public static float[] Run(string method, float[]? baseTensor, float[][] models, Dictionary<string, double[]>? parameters = null,
        long[]? shape = null, ulong seed = 0, string tensorName = "model.layers.0.mlp.down_proj.weight", int parallelism = 1)
    {
        var m = MergeMethodRegistry.Get(method);
        var p = MethodParameters.Of(m.Parameters, models.Length, parameters);
        shape ??= [models[0].Length];
        using var scratch = new ScratchArena();
        var context = new TensorMergeContext(tensorName, shape, baseTensor, models, p, seed, scratch) { Workers = parallelism > 1 ? new WorkerBudget(parallelism) : null };
        var output = new float[context.Length];
        m.Merge(context, output);
        return output;
    }

    public static void AssertClose(double[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]} (all: [{string.Join(", ", actual)}])");
    }
}
