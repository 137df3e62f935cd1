using Evolve.Checkpoints;

namespace Evolve.Onnx;

/// <summary>ONNX tensor element types (TensorProto.DataType / ONNXTensorElementDataType share the numbering).</summary>
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

internal static class TensorElementTypes
{
    /// <summary>Bytes per element; 0 for types without a fixed size (string, undefined, types Evolve does not handle).</summary>
    public static int Size(this TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.Int64 or TensorElementType.Double or TensorElementType.UInt64 => 8,
        _ => 0,
    };

    public static bool IsFloatingPoint(this TensorElementType type) =>
        type is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Double;

    public static DType? ToDType(this TensorElementType type) => type switch
    {
        TensorElementType.Float => DType.F32,
        TensorElementType.Float16 => DType.F16,
        TensorElementType.BFloat16 => DType.BF16,
        TensorElementType.Double => DType.F64,
        TensorElementType.Int64 => DType.I64,
        TensorElementType.Int32 => DType.I32,
        TensorElementType.Int16 => DType.I16,
        TensorElementType.Int8 => DType.I8,
        TensorElementType.UInt8 => DType.U8,
        TensorElementType.UInt16 => DType.U16,
        TensorElementType.UInt32 => DType.U32,
        TensorElementType.UInt64 => DType.U64,
        TensorElementType.Bool => DType.Bool,
        _ => null,
    };

    public static string Describe(this TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "float64",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>Decodes a float32, float16 or bfloat16 tensor's bytes to float32 (through the checkpoints' kernels).</summary>
    public static float[] ToFloat32(this TensorElementType type, ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length / Math.Max(type.Size(), 1)];
        FloatConversion.ToSingle(bytes, StorageDType(type), result);
        return result;
    }

    /// <summary>The checkpoint dtype of a float initializer; anything else is not merge-able weight storage.</summary>
    public static DType StorageDType(this TensorElementType type) => type switch
    {
        TensorElementType.Float => DType.F32,
        TensorElementType.Float16 => DType.F16,
        TensorElementType.BFloat16 => DType.BF16,
        _ => throw new NotSupportedException($"{type.Describe()} is not float32, float16 or bfloat16"),
    };

    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape) n = checked(n * d);
        return n;
    }

    public static string FormatShape(ReadOnlySpan<long> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
