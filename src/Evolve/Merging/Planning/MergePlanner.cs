using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Evolve.Checkpoints;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Planning;

/// <summary>
/// Turns a recipe and its opened models into a <see cref="MergePlan"/>, as mergekit's MergePlanner does:
/// <c>models:</c> becomes one slice over every layer; embeddings are planned from the first slice's sources, each
/// output layer from its slice (layer t = i/(n−1) within the slice), final norm and lm_head from the last slice
/// (t = 0 for both). Every parameter is resolved per output tensor: source (per-model parameters only) → slice →
/// top level → method default; global parameters filter on the output name, per-model ones on that model's input
/// name. Checks what needs the models: tensors present, shapes equal to the reference's, layer ranges inside
/// the models, required parameters resolved.
/// </summary>
internal static class MergePlanner
{
    private sealed record PlanSource(int Model, LayerRange Range, ParameterMap Parameters, string Path);

    private sealed record PlanSlice(IReadOnlyList<PlanSource> Sources, int? Base, ParameterMap Parameters, string Path)
    {
        public int LayerCount => Sources[0].Range.Count;
    }

    public static MergePlan Plan(Recipe recipe, ModelSet models, ulong seed = 0)
    {
        var method = RecipeValidator.Validate(recipe);
        var src = recipe.Source;
        int? recipeBase = recipe.BaseModel is null ? null : models.IndexOf(recipe.BaseModel);
        var slices = Normalize(recipe, method, models, recipeBase);
        var reference = recipeBase ?? slices[0].Sources[0].Model;
        var referenceSource = models[reference];
        DType? outDType = recipe.OutDType is { } o ? Parse(o) : recipe.DType is { } d ? Parse(d) : null;

        var pre = new List<string>();
        var post = new List<string>();
        foreach (var t in referenceSource.Tensors)
        {
            if (LayerName.TryParse(t.Name, out _, out _, out _)) continue;
            (LayerName.IsEmbedding(t.Name) ? pre : post).Add(t.Name);
        }

        var planned = new List<PlannedTensor>();
        var context = new PlanContext(recipe, method, models, seed, outDType, src);
        foreach (var name in pre) planned.Add(context.Tensor(name, slices[0], _ => name, 0, null));
        int outputLayer = 0;
        foreach (var slice in slices)
        {
            var first = slice.Sources[0];
            for (int offset = 0; offset < slice.LayerCount; offset++, outputLayer++)
            {
                double t = ParameterResolution.LayerPosition(offset, slice.LayerCount);
                var layerTensors = models[first.Model].Tensors
                    .Select(x => LayerName.TryParse(x.Name, out var prefix, out var index, out var rest) ? (prefix, index, rest) : ("", -1, ""))
                    .Where(x => x.Item2 == first.Range.Start + offset);
                foreach (var (prefix, _, rest) in layerTensors)
                {
                    var output = LayerName.Compose(prefix, outputLayer, rest);
                    var o2 = offset;
                    planned.Add(context.Tensor(output, slice, s => LayerName.Compose(prefix, s.Range.Start + o2, rest), t,
                        LayerName.Compose(prefix, first.Range.Start + offset, rest)));
                }
            }
        }
        foreach (var name in post) planned.Add(context.Tensor(name, slices[^1], _ => name, 0, null));
        return new MergePlan(recipe, method, models, models.Models[reference], planned, outputLayer, seed);
    }

    private static DType Parse(string name) => RecipeDTypes.TryParse(name, out var d) ? d : throw new ArgumentException(name);

    private static List<PlanSlice> Normalize(Recipe recipe, IMergeMethod method, ModelSet models, int? recipeBase)
    {
        var src = recipe.Source;
        if (recipe.Models is { } entries)
        {
            var sources = new List<PlanSource>();
            int layers = models.LayerCount(recipeBase ?? models.IndexOf(entries[0].Model));
            for (int i = 0; i < entries.Count; i++)
            {
                var m = models.IndexOf(entries[i].Model);
                if (models.LayerCount(m) != layers)
                    throw new RecipeException(src.Locate($"models[{i}]"),
                        $"model {entries[i].Model} has {models.LayerCount(m)} layers, the base has {layers}",
                        "models: merges models of the same depth; use slices: with layer_range to combine different depths");
                sources.Add(new PlanSource(m, new LayerRange(0, layers), entries[i].Parameters, $"models[{i}]"));
            }
            // mergekit appends the base to models: when it is not listed; a base-as-input method then merges it too.
            if (recipeBase is { } b && sources.All(s => s.Model != b))
                sources.Add(new PlanSource(b, new LayerRange(0, layers), ParameterMap.Empty, "base_model"));
            return [new PlanSlice(sources, recipeBase, ParameterMap.Empty, "models")];
        }

        var slices = new List<PlanSlice>();
        for (int s = 0; s < recipe.Slices!.Count; s++)
        {
            var slice = recipe.Slices[s];
            var sources = new List<PlanSource>();
            for (int i = 0; i < slice.Sources.Count; i++)
            {
                var entry = slice.Sources[i];
                var path = $"slices[{s}].sources[{i}]";
                var m = models.IndexOf(entry.Model);
                var available = models.LayerCount(m);
                var range = entry.Range ?? new LayerRange(0, available);
                if (range.End > available)
                    throw new RecipeException(src.Locate(path + ".layer_range"),
                        $"layer_range [{range.Start}, {range.End}] goes beyond model {entry.Model}, which has {available} layers",
                        $"Use an end of at most {available}");
                sources.Add(new PlanSource(m, range, entry.Parameters, path));
            }
            if (sources.Select(x => x.Range.Count).Distinct().Count() > 1)
                throw new RecipeException(src.Locate($"slices[{s}]"), $"the sources of slice {s} cover different numbers of layers");
            var sliceBase = slice.BaseModel ?? recipe.BaseModel;
            slices.Add(new PlanSlice(sources, sliceBase is null ? null : models.IndexOf(sliceBase), slice.Parameters, $"slices[{s}]"));
        }
        return slices;
    }

    private sealed class PlanContext(Recipe recipe, IMergeMethod method, ModelSet models, ulong seed, DType? outDType, SourceMap src)
    {
        /// <param name="output">Output tensor name.</param>
        /// <param name="slice">Slice the tensor comes from.</param>
        /// <param name="inputName">Each source's input tensor name.</param>
        /// <param name="t">Layer position for gradients.</param>
        /// <param name="baseLayerName">The base's tensor when the base is not among the slice's sources (layers: the first source's layer).</param>
        public PlannedTensor Tensor(string output, PlanSlice slice, Func<PlanSource, string> inputName, double t, string? baseLayerName)
        {
            TensorInput? baseInput = null;
            var inputSources = new List<PlanSource>();
            if (method.BaseModel == BaseModelRole.Input || slice.Base is null)
                inputSources.AddRange(slice.Sources);
            else
            {
                var b = slice.Base.Value;
                var listed = slice.Sources.FirstOrDefault(s => s.Model == b);
                baseInput = new TensorInput(b, listed is not null ? inputName(listed) : baseLayerName ?? output);
                inputSources.AddRange(slice.Sources.Where(s => s.Model != b));
            }
            var inputs = inputSources.Select(s => new TensorInput(s.Model, inputName(s))).ToArray();
            if (!method.Inputs.Contains(inputs.Length))
                throw new RecipeException(src.Locate(slice.Path), $"{method.Name} takes {method.Inputs} model(s) besides the base, {output} gets {inputs.Length}");

            var shapeOwner = baseInput ?? inputs[0];
            var info = Info(shapeOwner, output);
            foreach (var input in inputs)
            {
                var other = Info(input, output);
                if (!other.Shape.AsSpan().SequenceEqual(info.Shape))
                    throw new RecipeException(models.Models[input.Model].ToString(),
                        $"tensor {input.Tensor} has shape [{string.Join(", ", other.Shape)}] but {models.Models[shapeOwner.Model]} has [{string.Join(", ", info.Shape)}]",
                        "Merged models must share the base's architecture and vocabulary size");
            }
            bool copy = !info.DType.IsFloat32Convertible();
            var parameters = Resolve(output, slice, inputSources, inputs, t);
            if (copy) inputs = [shapeOwner];
            var dtype = copy ? info.DType : outDType ?? info.DType;
            var key = Key(output, info.Shape, baseInput, inputs, parameters, copy);
            return new PlannedTensor(output, info.Shape, dtype, copy ? null : baseInput, inputs, parameters, key, copy);
        }

        private TensorInfo Info(TensorInput input, string output)
        {
            if (models[input.Model].TryGetInfo(input.Tensor, out var info)) return info;
            throw new RecipeException(models.Models[input.Model].ToString(),
                $"has no tensor {input.Tensor} (needed for output tensor {output})", "Merged models must share the base's architecture");
        }

        private MethodParameters Resolve(string output, PlanSlice slice, List<PlanSource> sources, TensorInput[] inputs, double t)
        {
            var defs = method.Parameters;
            var values = new double[defs.Count][];
            for (int p = 0; p < defs.Count; p++)
            {
                var def = defs[p];
                if (def.Scope == ParameterScope.Global)
                {
                    values[p] = [Lookup(def, output, t, null, slice) ?? def.Default
                        ?? throw Missing(def, output, null, slice)];
                    continue;
                }
                values[p] = new double[inputs.Length];
                for (int i = 0; i < inputs.Length; i++)
                {
                    var source = i < sources.Count ? sources[i] : null;
                    values[p][i] = Lookup(def, inputs[i].Tensor, t, source?.Parameters, slice) ?? def.Default
                        ?? throw Missing(def, output, models.Models[inputs[i].Model], slice);
                }
            }
            return new MethodParameters(defs, values);
        }

        private double? Lookup(ParameterDef def, string name, double t, ParameterMap? sourceParameters, PlanSlice slice)
        {
            foreach (var level in new[] { sourceParameters, slice.Parameters, recipe.Parameters })
                if (level?.Get(def.Name) is { } setting && ParameterResolution.Evaluate(setting, name, t) is { } v)
                    return v;
            return null;
        }

        private RecipeException Missing(ParameterDef def, string output, ModelReference? model, PlanSlice slice) =>
            new(src.Locate(slice.Path), model is null
                    ? $"{method.Name} needs '{def.Name}' for tensor {output} and none of the recipe's settings gives it"
                    : $"{method.Name} needs '{def.Name}' for model {model} (tensor {output}) and none of the recipe's settings gives it",
                model is null ? $"Set {def.Name} under parameters" : $"Set {def.Name} in that model's parameters or under the top-level parameters");

        private string Key(string output, long[] shape, TensorInput? baseInput, TensorInput[] inputs, MethodParameters parameters, bool copy)
        {
            var text = new StringBuilder();
            text.Append(copy ? "copy" : method.Name).Append('|').Append(string.Join(",", shape));
            void Input(string role, TensorInput i) => text.Append('|').Append(role).Append(models.Models[i.Model]).Append(':').Append(i.Tensor);
            if (baseInput is { } b) Input("base=", b);
            foreach (var i in inputs) Input("in=", i);
            for (int p = 0; p < parameters.Definitions.Count; p++)
            {
                text.Append('|').Append(parameters.Definitions[p].Name).Append('=');
                foreach (var v in parameters.ValuesAt(p)) text.Append(BitConverter.DoubleToInt64Bits(v).ToString("x", CultureInfo.InvariantCulture)).Append(',');
            }
            if (method.UsesRandomness && !copy) text.Append("|seed=").Append(seed).Append("|name=").Append(output);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
        }
    }
}
