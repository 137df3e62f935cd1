using Evolve.Merging.Kernels;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;

namespace Evolve.Tests.Merging;

/// <summary>
/// A one-pass TIES merge that releases its inputs' pages as it reads them drops the pages its sample mapped while it
/// samples, every 64 blocks: a fault maps the whole folio around each small block, and the sample's blocks together
/// would otherwise map most of every input at once.
/// </summary>
public sealed class OnePassReleaseTests
{
    [Fact]
    public void TheSampleReleasesEveryBlockReadSoFarInEightSteps()
    {
        const int n = 1_100_003;
        var random = new Random(3);
        var baseTensor = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
        var models = Enumerable.Range(0, 2).Select(_ => baseTensor.Select(b => b + (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
        var method = MergeMethodRegistry.Get("ties");
        var p = MethodParameters.Of(method.Parameters, 2, new Dictionary<string, double[]> { ["weight"] = [0.6, 0.4], ["density"] = [0.5, 0.5] });
        var released = new List<(int Start, int Length)>();
        using var scratch = new ScratchArena();
        var context = new TensorMergeContext("model.layers.0.mlp.up_proj.weight", [n], baseTensor, models, p, 0, scratch)
        {
            InputsRead = (start, length) => released.Add((start, length)),
        };
        method.Merge(context, new float[n]);

        // Block b starts at ⌊b·n/512⌋ and holds 256 elements; after blocks 63, 127, …, 511 everything up to the
        // block's end is released, and then the whole tensor once more before the pass.
        var expected = Enumerable.Range(1, 8).Select(step => (0, (int)((64L * step - 1) * n / 512) + 256)).Append((0, n));
        Assert.Equal(expected, released.Take(9));
    }
}
