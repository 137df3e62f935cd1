using Evolve.Checkpoints;

namespace Evolve.Onnx;

/// <summary>
/// The base's ONNX graph carrying another checkpoint of the same architecture (a merge of fine-tunes of that base):
/// every initializer bound to the base checkpoint takes the other checkpoint's tensor, converted to the graph's dtype
/// and layout, and the weights go to an external-data file beside the graph. Nodes and unbound initializers
/// (rotary caches, exporter constants) stay as they are.
/// </summary>
internal static class MergedGraphExport
{
    /// <summary>For Hugging Face folders: the base the graph was exported from, and the merged checkpoint.</summary>
    public static string Write(string onnxPath, string baseFolder, string mergedFolder, string directory)
    {
        using var baseModel = HfModelFolder.Open(baseFolder);
        using var merged = HfModelFolder.Open(mergedFolder);
        return Write(onnxPath, baseModel.Weights, merged.Weights, directory);
    }

    public static string Write(string onnxPath, ITensorSource baseCheckpoint, ITensorSource weights, string directory, string fileName = "model.onnx")
    {
        var graph = OnnxModel.Load(onnxPath);
        var binding = WeightBinding.Create(graph, baseCheckpoint);
        using var converted = binding.Convert(weights);
        Directory.CreateDirectory(directory);
        return graph.WriteWithExternalInitializers(binding.BoundInitializers.Select(i => i.Name).ToArray(), directory, fileName,
            initializer => converted[initializer.Name].Bytes[..(int)initializer.ByteLength].ToArray());
    }
}
