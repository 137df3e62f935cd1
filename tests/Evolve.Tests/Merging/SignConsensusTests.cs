using Evolve.Checkpoints;
using Evolve.Merging.Kernels;

namespace Evolve.Tests.Merging;

/// <summary>
/// TIES's sign election written straight as BF16 words equals the float result rounded by the checkpoint writer's
/// conversion, word for word: over blocks of 16, of 8 and single elements, with results that overflow BF16, NaNs and
/// ties of the rounding.
/// </summary>
public sealed class SignConsensusTests
{
    [Fact]
    public void Bf16OutputEqualsTheFloatResultRoundedByTheWriter()
    {
        const int n = 5 * 16 + 8 + 3;
        var rng = new Random(11);
        float Value(int j) => (j % 13) switch
        {
            0 => float.NaN,
            1 => 3e38f,
            2 => -0f,
            _ => (float)(rng.NextDouble() * 2 - 1),
        };
        var b = Enumerable.Range(0, n).Select(j => j % 5 == 0 ? 0f : Value(j + 1)).ToArray();
        var deltas = Enumerable.Range(0, 3).Select(m => Enumerable.Range(0, n).Select(j => Value(j + m)).ToArray()).ToArray();
        // Agreeing task vectors whose weighted sum overflows float32: +∞.
        b[20] = 3e38f;
        foreach (var d in deltas) d[20] = 3e38f;
        // Results halfway between two BF16 values, whose lower one is odd: the rounding goes up, to the even one (in a
        // block of 16, of 8 and alone).
        foreach (int j in new[] { 5, 83, 89 })
        {
            b[j] = BitConverter.UInt32BitsToSingle(0x3F81_8000u);
            foreach (var d in deltas) d[j] = 0;
        }
        double[] weights = [0.6, 0.4, 0.9];
        foreach (bool normalize in new[] { true, false })
        {
            var floats = new float[n];
            SignConsensus.Combine(b, deltas, weights, normalize, 1.0f, floats);
            var expected = new byte[2 * n];
            FloatConversion.FromSingle(floats, DType.BF16, expected);
            var words = new ushort[n];
            SignConsensus.Combine(b, deltas, weights, normalize, 1.0f, words);
            Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()).ToArray());
            Assert.Contains(words, w => w == FloatConversion.BFloat16NaN);
            Assert.Contains(words, w => w == 0x7F80);
            Assert.Equal(0x3F82, words[5]);
        }
    }
}
