using Evolve.Checkpoints;

namespace Evolve.Tests.Checkpoints;

public class FloatConversionTests
{
    private static ushort[] AllPatterns() => Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();

    /// <summary>IEEE binary16 decoded field by field: the scalar reference for the F16 kernel.</summary>
    private static float DecodeHalf(ushort bits)
    {
        var sign = (bits & 0x8000) != 0 ? -1.0 : 1.0;
        var exponent = (bits >> 10) & 0x1F;
        var mantissa = bits & 0x3FF;
        if (exponent == 0x1F)
            return mantissa == 0 ? (float)(sign * double.PositiveInfinity) : float.NaN;
        return exponent == 0
            ? (float)(sign * mantissa * Math.Pow(2, -24))
            : (float)(sign * (1 + mantissa / 1024.0) * Math.Pow(2, exponent - 15));
    }

    [Fact]
    public void BFloat16ToSingleMatchesTheScalarReferenceOnEveryBitPattern()
    {
        var input = AllPatterns();
        var output = new float[input.Length];
        FloatConversion.BFloat16ToSingle(input, output);
        for (int i = 0; i < input.Length; i++)
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(output[i]));
        // Named landmarks: 1, -2, +inf, the smallest subnormal 2^-133, a NaN keeps its payload.
        Assert.Equal(1f, output[0x3F80]);
        Assert.Equal(-2f, output[0xC000]);
        Assert.Equal(float.PositiveInfinity, output[0x7F80]);
        Assert.Equal(MathF.Pow(2, -133), output[0x0001]);
        Assert.True(float.IsNaN(output[0x7FC1]));
    }

    [Fact]
    public void HalfToSingleMatchesTheScalarReferenceOnEveryBitPattern()
    {
        var input = AllPatterns();
        var output = new float[input.Length];
        FloatConversion.ToSingle(System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()), DType.F16, output);
        for (int i = 0; i < input.Length; i++)
        {
            var expected = DecodeHalf(input[i]);
            if (float.IsNaN(expected))
                Assert.True(float.IsNaN(output[i]), $"0x{i:X4} should decode to NaN");
            else
                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(output[i]));
        }
        Assert.Equal(65504f, output[0x7BFF]);
        Assert.Equal(5.9604645E-08f, output[0x0001]);
    }

    [Fact]
    public void SingleToHalfRoundTripsEveryNonNaNHalfAndRoundsTiesToEven()
    {
        var patterns = AllPatterns().Where(b => !float.IsNaN(DecodeHalf(b))).ToArray();
        var floats = patterns.Select(DecodeHalf).ToArray();
        var halves = new Half[floats.Length];
        FloatConversion.SingleToHalf(floats, halves);
        for (int i = 0; i < patterns.Length; i++)
            Assert.Equal(patterns[i], BitConverter.HalfToUInt16Bits(halves[i]));

        // 1 + 2^-11 is halfway between 1 (0x3C00, even) and 1 + 2^-10: ties to even goes down;
        // 1 + 3·2^-11 is halfway between 0x3C01 (odd) and 0x3C02: goes up; 65520 overflows to +inf.
        float[] edges = [1f + MathF.Pow(2, -11), 1f + 3 * MathF.Pow(2, -11), 65520f, 65519f, -0f];
        var edgeHalves = new Half[edges.Length];
        FloatConversion.SingleToHalf(edges, edgeHalves);
        Assert.Equal([0x3C00, 0x3C02, 0x7C00, 0x7BFF, 0x8000], edgeHalves.Select(BitConverter.HalfToUInt16Bits));
    }

    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1.0 exact
    [InlineData(0x3F808000u, 0x3F80)] // halfway, kept bit even: down
    [InlineData(0x3F818000u, 0x3F82)] // halfway, kept bit odd: up
    [InlineData(0x3F808001u, 0x3F81)] // just above halfway: up
    [InlineData(0x3F807FFFu, 0x3F80)] // just below halfway: down
    [InlineData(0xBF818000u, 0xBF82)] // negative halfway, odd: away from zero
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float max rounds to +inf
    [InlineData(0xFF7FFFFFu, 0xFF80)] // -float max rounds to -inf
    [InlineData(0x7F800000u, 0x7F80)] // +inf
    [InlineData(0x80000000u, 0x8000)] // -0
    [InlineData(0x00008000u, 0x0000)] // subnormal halfway, even: down to 0
    [InlineData(0x00018000u, 0x0002)] // subnormal halfway, odd: up
    [InlineData(0x007FFFFFu, 0x0080)] // largest subnormal rounds up to the smallest normal
    [InlineData(0x7FC00000u, 0x7FC0)] // quiet NaN
    [InlineData(0x7F800001u, 0x7FC0)] // signalling NaN with a payload that truncation would turn into inf
    [InlineData(0xFFC00001u, 0x7FC0)] // negative NaN: torch writes the positive canonical NaN
    public void SingleToBFloat16RoundsToNearestEvenAsTorch(uint floatBits, int expected)
    {
        // Vector and scalar paths: the value at index 37 of a 40-element span lands in the scalar tail.
        var source = Enumerable.Repeat(BitConverter.UInt32BitsToSingle(floatBits), 40).ToArray();
        var destination = new ushort[40];
        FloatConversion.SingleToBFloat16(source, destination);
        Assert.All(destination, d => Assert.Equal((ushort)expected, d));
    }

    [Fact]
    public void SingleToBFloat16IsExactOnEveryBFloat16Value()
    {
        var input = AllPatterns();
        var floats = new float[input.Length];
        FloatConversion.BFloat16ToSingle(input, floats);
        var back = new ushort[input.Length];
        FloatConversion.SingleToBFloat16(floats, back);
        for (int i = 0; i < input.Length; i++)
        {
            var isNaN = (i & 0x7F80) == 0x7F80 && (i & 0x7F) != 0;
            Assert.Equal(isNaN ? FloatConversion.BFloat16NaN : (ushort)i, back[i]);
        }
    }

    [Fact]
    public void OddLengthsUseTheScalarTailCorrectly()
    {
        for (int length = 0; length < 70; length++)
        {
            var bits = Enumerable.Range(0, length).Select(i => (ushort)(0x3F80 + i)).ToArray();
            var floats = new float[length];
            FloatConversion.BFloat16ToSingle(bits, floats);
            Assert.Equal(bits.Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)), floats);
        }
    }

    [Fact]
    public void MismatchedLengthsAreRefused() =>
        Assert.Throws<ArgumentException>(() => FloatConversion.BFloat16ToSingle(new ushort[4], new float[3]));
}
