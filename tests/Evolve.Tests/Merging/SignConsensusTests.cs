using Evolve.Checkpoints;
using Evolve.Merging.Kernels;

namespace Evolve.Tests.Merging;

/// <summary>
/// TIES's sign election written straight as BF16 words equals the float result rounded by the checkpoint writer's
/// conversion, word for word: over blocks of 16, of 8 and single elements, with results that overflow BF16, NaNs and
/// ties of the rounding; and the float result equals the definition written per element, where sums and task vectors
/// are NaN, ±0 or ±∞.
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

    [Fact]
    public void FloatOutputEqualsTheDefinitionWhereValuesAreNaNZeroOrInfinite()
    {
        float[] specials = [float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, 1f, -1f, 2f, -0.75f];
        // Every pair of special values for two task vectors beside a third that is ±0, NaN or 0.5 (1 and 2 weighted 1
        // and −0.5 sum to +0, which counts as positive): 335 elements, so blocks of 16, one of 8 and single elements.
        var pairs = (from x in specials from y in specials from z in new[] { 0f, -0f, float.NaN, 0.5f } select (x, y, z)).ToArray();
        pairs = [.. pairs, .. pairs[..11]];
        int n = pairs.Length;
        var b = Enumerable.Range(0, n).Select(j => j * 0.25f).ToArray();
        float[][] deltas = [pairs.Select(p => p.x).ToArray(), pairs.Select(p => p.y).ToArray(), pairs.Select(p => p.z).ToArray()];
        foreach (double[] weights in new[] { new[] { 0.6, 0.4, 0.9 }, new[] { 1.0, -0.5, 0.0 } })
            foreach (bool normalize in new[] { true, false })
            {
                var output = new float[n];
                SignConsensus.Combine(b, deltas, weights, normalize, 0.5f, output);
                for (int j = 0; j < n; j++)
                {
                    var w = weights.Select(x => (float)x).ToArray();
                    float sum = 0, mixed = 0, divisor = 0;
                    for (int i = 0; i < 3; i++) sum += w[i] * deltas[i][j];
                    for (int i = 0; i < 3; i++)
                    {
                        float wd = w[i] * deltas[i][j];
                        if (sum >= 0 ? wd > 0 : wd < 0)
                        {
                            mixed += wd;
                            divisor += w[i];
                        }
                    }
                    if (normalize) mixed /= divisor == 0 ? 1 : divisor;
                    float expected = b[j] + 0.5f * mixed;
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[j]),
                        $"element {j} ({pairs[j]}), weights {string.Join(',', weights)}, normalize {normalize}: expected {expected:R}, got {output[j]:R}");
                }
            }
    }
}
