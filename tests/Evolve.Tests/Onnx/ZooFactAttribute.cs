namespace Evolve.Tests.Onnx;

/// <summary>A fact that needs the bundled zoo's torch.onnx export and its base; skipped, saying why, until both are in the checkout.</summary>
public sealed class ZooFactAttribute : FactAttribute
{
    public static string Model => Path.Combine(RepoPaths.Zoo, "onnx", "base.onnx");
    public static string Base => Path.Combine(RepoPaths.Zoo, "base");

    public ZooFactAttribute()
    {
        if (!File.Exists(Model) || !Directory.Exists(Base))
            Skip = "zoo/onnx/base.onnx and zoo/base/ (the bundled torch.onnx export and its HF base) are not in this checkout yet";
    }
}
