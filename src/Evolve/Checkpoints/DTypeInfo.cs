using System.Collections.Frozen;

namespace Evolve.Checkpoints;

/// <summary>Element sizes and safetensors spellings of <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    public static int ByteSize(this DType dtype) => dtype switch
    {
        DType.F64 or DType.I64 or DType.U64 => 8,
        DType.F32 or DType.I32 or DType.U32 => 4,
        DType.F16 or DType.BF16 or DType.I16 or DType.U16 => 2,
        DType.I8 or DType.U8 or DType.Bool or DType.F8E4M3 or DType.F8E5M2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>True for the storage dtypes that convert to and from float32 (F32, F16, BF16).</summary>
    public static bool IsFloat32Convertible(this DType dtype) => dtype is DType.F32 or DType.F16 or DType.BF16;

    /// <summary>The dtype string of a safetensors header ("BF16", "F8_E4M3", "BOOL" …).</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.Bool => "BOOL",
        DType.F8E4M3 => "F8_E4M3",
        DType.F8E5M2 => "F8_E5M2",
        _ => dtype.ToString(),
    };

    public static bool TryParseSafetensorsName(string name, out DType dtype) => ByName.TryGetValue(name, out dtype);

    private static readonly FrozenDictionary<string, DType> ByName =
        Enum.GetValues<DType>().ToFrozenDictionary(d => d.SafetensorsName(), StringComparer.Ordinal);

    /// <summary>
    /// Position in the Rust safetensors crate's dtype enum, which lists dtypes by increasing alignment; the crate
    /// writes tensors by decreasing rank so that every tensor's data starts aligned.
    /// </summary>
    internal static int SerializationRank(this DType dtype) => dtype switch
    {
        DType.Bool => 0,
        DType.U8 => 1,
        DType.I8 => 2,
        DType.F8E5M2 => 3,
        DType.F8E4M3 => 4,
        DType.I16 => 5,
        DType.U16 => 6,
        DType.F16 => 7,
        DType.BF16 => 8,
        DType.I32 => 9,
        DType.U32 => 10,
        DType.F32 => 11,
        DType.F64 => 12,
        DType.I64 => 13,
        DType.U64 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The dtypes a safetensors header may name, for error messages.</summary>
    internal static string KnownNames => string.Join(", ", Enum.GetValues<DType>().Select(d => d.SafetensorsName()));
}
