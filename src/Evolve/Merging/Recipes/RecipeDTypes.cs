using Evolve.Checkpoints;

namespace Evolve.Merging.Recipes;

/// <summary>mergekit's dtype names (bfloat16, float16, float32, with or without "torch.") and their storage dtypes.</summary>
internal static class RecipeDTypes
{
    public static bool TryParse(string name, out DType dtype)
    {
        var n = name.StartsWith("torch.", StringComparison.Ordinal) ? name[6..] : name;
        (bool ok, dtype) = n switch
        {
            "bfloat16" => (true, DType.BF16),
            "float16" or "half" => (true, DType.F16),
            "float32" or "float" => (true, DType.F32),
            _ => (false, DType.F32),
        };
        return ok;
    }

    /// <summary>The name config.json's torch_dtype uses.</summary>
    public static string TorchName(DType dtype) => dtype switch
    {
        DType.BF16 => "bfloat16",
        DType.F16 => "float16",
        DType.F32 => "float32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"{dtype} is not a merge output dtype"),
    };
}
