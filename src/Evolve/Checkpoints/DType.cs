namespace Evolve.Checkpoints;

/// <summary>Storage dtypes of safetensors (and ONNX initializers). Merge math always runs in float32.</summary>
public enum DType
{
    F32,
    F16,
    BF16,
    F64,
    I64,
    I32,
    I16,
    I8,
    U8,
    U16,
    U32,
    U64,
    Bool,
    F8E4M3,
    F8E5M2,
}
