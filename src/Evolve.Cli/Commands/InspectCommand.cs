using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Evolve.Checkpoints;
using Evolve.Cli.Output;

namespace Evolve.Cli.Commands;

/// <summary>`evolve inspect DIR…`: each model's tensors, then what differs from the first model.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout)
    {
        var models = new Argument<string[]>("models")
        {
            Description = "Hugging Face model folders (or .safetensors files); later ones are compared with the first",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of tables" };
        var command = new Command("inspect", "List the tensors, dtypes, shapes and layers of models, and how they differ.");
        command.Arguments.Add(models);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var opened = new List<HfModelFolder>();
            try
            {
                foreach (var path in parse.GetValue(models)!)
                    opened.Add(HfModelFolder.Open(path));
                var comparison = ModelComparison.Compare(opened.Select(m => (m.Path, m.Weights.Tensors)).ToArray());
                if (parse.GetValue(json))
                    PrintJson(stdout, opened, comparison);
                else
                    PrintTables(stdout, opened, comparison);
                return 0;
            }
            finally
            {
                foreach (var model in opened)
                    model.Dispose();
            }
        });
        return command;
    }

    private static void PrintTables(TextWriter stdout, List<HfModelFolder> models, ModelComparison comparison)
    {
        foreach (var model in models)
        {
            var tensors = model.Weights.Tensors.OrderBy(t => t.Name, NaturalNameComparer.Instance).ToArray();
            stdout.WriteLine($"{model.Path}  ({Describe(model, CheckpointSummary.Of(tensors))})");
            var rows = tensors.Select(t => new[] { t.Name, t.DType.SafetensorsName(), Shape(t), Layer(t) }).ToList();
            TextTable.Print(stdout, ["name", "dtype", "shape", "layer"], rows);
            stdout.WriteLine();
        }
        if (models.Count < 2)
            return;
        stdout.WriteLine($"Compared with {comparison.ReferenceLabel}:");
        foreach (var other in comparison.Others)
        {
            if (other.Matches)
            {
                stdout.WriteLine($"  {other.Label}: same tensor names, shapes and dtypes");
                continue;
            }
            stdout.WriteLine($"  {other.Label}: {other.Count(TensorDifferenceKind.Missing)} missing, "
                + $"{other.Count(TensorDifferenceKind.Extra)} extra, {other.Count(TensorDifferenceKind.ShapeDiffers)} shaped differently, "
                + $"{other.Count(TensorDifferenceKind.DTypeDiffers)} in another dtype");
            var rows = other.Differences.Select(d => new[] { Kind(d.Kind), d.Name, Describe(d.Reference), Describe(d.Other) }).ToList();
            TextTable.Print(stdout, ["", "tensor", "first model", "this model"], rows, indent: "    ");
        }
    }

    private static string Describe(HfModelFolder model, CheckpointSummary summary)
    {
        var parts = new List<string>
        {
            model.IsSharded ? $"{((ShardedCheckpoint)model.Weights).Shards.Count} shards" : "1 file",
            $"{summary.TensorCount} tensors",
            $"{summary.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters",
            Bytes(summary.ByteCount),
            string.Join(" + ", summary.ParametersByDType.Select(p => p.Key.SafetensorsName())),
        };
        if (summary.LayerCount > 0)
            parts.Add($"{summary.LayerCount} layers");
        if (model.Config is { } config)
            parts.Add($"config: {config.ModelType ?? "?"}, {config.NumHiddenLayers?.ToString(CultureInfo.InvariantCulture) ?? "?"} layers, hidden {config.HiddenSize?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        return string.Join(", ", parts);
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.##} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.##} MB"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.##} kB"),
        _ => $"{bytes} B",
    };

    private static string Describe(TensorInfo? tensor) =>
        tensor is null ? "-" : $"{tensor.DType.SafetensorsName()} {Shape(tensor)}";

    private static string Shape(TensorInfo tensor) => $"[{string.Join(", ", tensor.Shape)}]";

    private static string Layer(TensorInfo tensor) =>
        LayerNames.LayerIndex(tensor.Name)?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Kind(TensorDifferenceKind kind) => kind switch
    {
        TensorDifferenceKind.Missing => "missing",
        TensorDifferenceKind.Extra => "extra",
        TensorDifferenceKind.ShapeDiffers => "shape",
        _ => "dtype",
    };


    private static void PrintJson(TextWriter stdout, List<HfModelFolder> models, ModelComparison comparison)
    {
        var document = new
        {
            models = models.Select(m =>
            {
                var summary = CheckpointSummary.Of(m.Weights.Tensors);
                return new
                {
                    path = m.Path,
                    sharded = m.IsSharded,
                    tensor_count = summary.TensorCount,
                    parameters = summary.ParameterCount,
                    bytes = summary.ByteCount,
                    layers = summary.LayerCount,
                    config = m.Config is { } c
                        ? new { model_type = c.ModelType, architectures = c.Architectures, num_hidden_layers = c.NumHiddenLayers, hidden_size = c.HiddenSize, torch_dtype = c.TorchDtype }
                        : null,
                    tokenizer_files = m.TokenizerFiles.Select(Path.GetFileName),
                    tensors = m.Weights.Tensors.OrderBy(t => t.Name, NaturalNameComparer.Instance)
                        .Select(t => new { name = t.Name, dtype = t.DType.SafetensorsName(), shape = t.Shape, layer = LayerNames.LayerIndex(t.Name) }),
                };
            }),
            reference = comparison.ReferenceLabel,
            differences = comparison.Others.Select(o => new
            {
                model = o.Label,
                missing = Names(o, TensorDifferenceKind.Missing),
                extra = Names(o, TensorDifferenceKind.Extra),
                shape_differs = Pairs(o, TensorDifferenceKind.ShapeDiffers),
                dtype_differs = Pairs(o, TensorDifferenceKind.DTypeDiffers),
            }),
        };
        stdout.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
    }

    private static IEnumerable<string> Names(ModelDifferences differences, TensorDifferenceKind kind) =>
        differences.Differences.Where(d => d.Kind == kind).Select(d => d.Name);

    private static IEnumerable<object> Pairs(ModelDifferences differences, TensorDifferenceKind kind) =>
        differences.Differences.Where(d => d.Kind == kind).Select(d => new
        {
            name = d.Name,
            first = new { dtype = d.Reference!.DType.SafetensorsName(), shape = d.Reference.Shape },
            other = new { dtype = d.Other!.DType.SafetensorsName(), shape = d.Other.Shape },
        });
}
