namespace Evolve.Checkpoints;

/// <summary>
/// A Hugging Face model folder: its weights (one <c>model.safetensors</c>, or shards through
/// <c>model.safetensors.index.json</c>), its <c>config.json</c> when present, and its tokenizer files, which a merge
/// copies to its output. Pickle checkpoints (<c>pytorch_model.bin</c>) are refused, never loaded.
/// </summary>
public sealed class HfModelFolder : IDisposable
{
    /// <summary>Files a tokenizer may need, in the names transformers saves them under.</summary>
    public static readonly IReadOnlyList<string> TokenizerFileNames =
    [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "tokenizer.model", "spiece.model", "vocab.json", "merges.txt", "vocab.txt",
        "chat_template.jinja", "chat_template.json",
    ];

    private static readonly string[] PickleExtensions = [".bin", ".pt", ".pth", ".ckpt", ".pkl"];

    private HfModelFolder(string path, ITensorSource weights, ModelConfig? config, IReadOnlyList<string> tokenizerFiles)
    {
        Path = path;
        Weights = weights;
        Config = config;
        TokenizerFiles = tokenizerFiles;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>All tensors of the model, over one file or all shards.</summary>
    public ITensorSource Weights { get; }

    /// <summary>config.json, or null when the folder has none.</summary>
    public ModelConfig? Config { get; }

    /// <summary>Full paths of the tokenizer files present, in <see cref="TokenizerFileNames"/> order.</summary>
    public IReadOnlyList<string> TokenizerFiles { get; }

    /// <summary>True when the weights are split over shards by an index.</summary>
    public bool IsSharded => Weights is ShardedCheckpoint;

    /// <param name="path">A model folder, or one .safetensors file (its folder supplies config and tokenizer).</param>
    public static HfModelFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        string folder;
        string weightsPath;
        if (File.Exists(full) && full.EndsWith(".safetensors", StringComparison.Ordinal))
        {
            folder = System.IO.Path.GetDirectoryName(full)!;
            weightsPath = full;
        }
        else if (Directory.Exists(full))
        {
            folder = full;
            weightsPath = LocateWeights(full);
        }
        else
        {
            throw new CheckpointFormatException(full, "no such model folder or .safetensors file", "Check the path");
        }

        var configPath = System.IO.Path.Combine(folder, ModelConfig.FileName);
        var config = File.Exists(configPath) ? ModelConfig.Read(configPath) : null;
        var tokenizerFiles = TokenizerFileNames.Select(n => System.IO.Path.Combine(folder, n)).Where(File.Exists).ToArray();
        ITensorSource weights = weightsPath.EndsWith(ShardIndex.FileName, StringComparison.Ordinal)
            ? ShardedCheckpoint.Open(weightsPath)
            : SafetensorsFile.Open(weightsPath);
        return new HfModelFolder(folder, weights, config, tokenizerFiles);
    }

    private static string LocateWeights(string folder)
    {
        var index = System.IO.Path.Combine(folder, ShardIndex.FileName);
        if (File.Exists(index))
            return index;
        var single = System.IO.Path.Combine(folder, CheckpointWriter.SingleFileName);
        if (File.Exists(single))
            return single;
        var safetensors = Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToArray();
        if (safetensors.Length == 1)
            return safetensors[0];
        if (safetensors.Length > 1)
            throw new CheckpointFormatException(folder,
                $"holds {safetensors.Length} .safetensors files but no {ShardIndex.FileName} saying which tensor is where",
                "Add the index that came with the checkpoint, or open one file directly");

        var pickles = Directory.EnumerateFiles(folder)
            .Where(f => PickleExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        if (pickles.Length > 0)
            throw new CheckpointFormatException(folder,
                $"holds only pickle weights ({string.Join(", ", pickles)}), which Evolve never loads because unpickling can run arbitrary code",
                "Convert once with transformers: python -c \"from transformers import AutoModelForCausalLM as M; "
                + $"M.from_pretrained('{folder}').save_pretrained('{folder}-safetensors', safe_serialization=True)\" "
                + "(or safetensors.torch.save_file(torch.load('pytorch_model.bin'), 'model.safetensors', metadata={'format': 'pt'}))");
        throw new CheckpointFormatException(folder,
            $"holds no {CheckpointWriter.SingleFileName}, {ShardIndex.FileName} or other .safetensors file",
            "Point at a Hugging Face model folder with safetensors weights");
    }

    public void Dispose() => Weights.Dispose();
}
