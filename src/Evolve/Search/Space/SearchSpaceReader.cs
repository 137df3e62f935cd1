using Evolve.Formats;
using System.Globalization;
using Evolve.Checkpoints;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using Evolve.Merging.Recipes;
using Evolve.Proxy.Tasks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Evolve.Search.Space;

/// <summary>
/// Reads and validates a search-space YAML file. Every error names the file, the line and the key path, and says
/// what to do; nothing is merged or scored here, but the models' config.json and the base's tensor names are read.
/// </summary>
internal static class SearchSpaceReader
{
    private static readonly string[] TopLevelKeys =
        ["base", "models", "onnx", "proxy", "seed", "dtype", "methods", "layers_per_gene", "filters", "smoothing", "genes", "fixed", "seeds"];

    private static readonly string[] GeneKeys = ["bounds", "layers_per_gene", "filters", "smoothing"];

    public static SearchSpace Load(string path)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
            throw new SearchSpaceException(path, "search space file not found", "Check the path (spaces usually live under search-spaces/)");
        var stream = YamlText.Parse(File.ReadAllText(file), (line, problem, e) => line is null
            ? new SearchSpaceException(file, $"not valid YAML ({problem})", "Check that every [ and { is closed on its line", e)
            : new SearchSpaceException($"{file}:{line}", $"not valid YAML ({problem})", "Fix the YAML syntax at that line", e));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SearchSpaceException(file, "a search space must be a YAML mapping", "Start from search-spaces/zoo.yaml");
        return new Reader(file).Read(root);
    }

    private sealed class Reader(string file)
    {
        private readonly string _folder = Path.GetDirectoryName(file)!;

        public SearchSpace Read(YamlMappingNode root)
        {
            Known(root, "", TopLevelKeys);
            var baseModel = ModelFolder(Required(root, "base", ""), "base");
            var modelsNode = Required(root, "models", "");
            var models = new List<SpaceModel>();
            foreach (var (node, i) in List(modelsNode, "models").Select((n, i) => (n, i)))
            {
                var folder = ModelFolder(node, $"models[{i}]");
                if (folder == baseModel)
                    throw Error(node, $"models[{i}] is the base model", "List only the fine-tuned models under models:; the base goes under base:");
                var name = Path.GetFileName(folder);
                if (models.FirstOrDefault(m => m.Name == name) is { } twin)
                    throw Error(node, $"models[{i}] and another model share the folder name '{name}' ({twin.Path})",
                        "Gene names use the folder name; give the models folders with different names");
                models.Add(new SpaceModel(name, folder));
            }
            if (models.Count == 0) throw Error(modelsNode, "models: is empty", "List at least one fine-tuned model folder");

            var onnxNode = Required(root, "onnx", "");
            var onnx = Path.GetFullPath(Scalar(onnxNode, "onnx"), _folder);
            if (!File.Exists(onnx))
                throw Error(onnxNode, $"onnx: '{onnx}' is not a file", "Give the ONNX export of the base (relative paths start at the space file's folder)");

            var proxyNode = Required(root, "proxy", "");
            var proxy = ProxyDeclarationReader.Read(proxyNode, file, _folder);
            if (proxy.Files.Count == 0)
                throw Error(proxyNode, "proxy.files is empty", "List the JSONL proxy sets the search scores candidates on");
            foreach (var p in proxy.Files.Concat(proxy.HeldOutFiles))
                if (!File.Exists(p))
                    throw Error(proxyNode, $"proxy set '{p}' is not a file", "Check proxy.files and proxy.heldout_files (relative to the space file)");

            var seed = Child(root, "seed") is { } seedNode ? UnsignedInteger(seedNode, "seed") : 0UL;
            string? dtype = null;
            if (Child(root, "dtype") is { } dtypeNode)
            {
                dtype = Scalar(dtypeNode, "dtype");
                if (!RecipeDTypes.TryParse(dtype, out _))
                    throw Error(dtypeNode, $"dtype '{dtype}' is not supported", "Use bfloat16, float16 or float32, or leave dtype out");
            }

            var methods = Methods(Required(root, "methods", ""), models.Count);
            var (tensors, layers) = BaseLayout(baseModel, root);
            foreach (var (node, i) in List(modelsNode, "models").Select((n, i) => (n, i)))
            {
                var count = LayerCount(models[i].Path, node, $"models[{i}]");
                if (count != layers)
                    throw Error(node, $"models[{i}] ({models[i].Name}) has {count} layers, the base has {layers}",
                        "A search merges fine-tunes of the base: every model needs the base's depth");
            }

            var defaults = new GeneDefaults(
                Child(root, "layers_per_gene") is { } lpg ? LayersPerGene(lpg, "layers_per_gene", layers) : layers,
                Child(root, "filters") is { } filters ? Filters(filters, "filters", tensors) : [],
                Child(root, "smoothing") is { } smoothing ? Smoothing(smoothing, "smoothing") : LayerSmoothing.Step);

            var genesNode = Required(root, "genes", "");
            var genes = Mapping(genesNode, "genes");
            if (genes.Children.Count == 0)
                throw Error(genesNode, "genes: is empty", "Declare at least one evolved parameter, e.g. weight: {}");
            var declarations = genes.Children.Select(e => Declaration(e.Key, e.Value, methods, defaults, tensors)).ToList();

            var fixedParameters = Child(root, "fixed") is { } fixedNode ? Fixed(fixedNode, methods, declarations) : [];
            foreach (var method in methods)
                foreach (var def in method.Parameters.Where(d => d.Required))
                    if (!declarations.Any(d => d.Parameter == def.Name) && !fixedParameters.Any(f => f.Name == def.Name))
                        throw Error(Key(root, "genes"), $"{method.Name} needs '{def.Name}' and the space neither evolves nor fixes it",
                            $"Add {def.Name} under genes: or under fixed:");

            var seeds = new List<string>();
            if (Child(root, "seeds") is { } seedsNode)
                foreach (var (node, i) in List(seedsNode, "seeds").Select((n, i) => (n, i)))
                {
                    var recipe = Path.GetFullPath(Scalar(node, $"seeds[{i}]"), _folder);
                    if (!File.Exists(recipe))
                        throw Error(node, $"seeds[{i}]: recipe '{recipe}' is not a file", "Give a mergekit recipe (e.g. a sweep's chosen recipe), relative to the space file");
                    seeds.Add(recipe);
                }

            return new SearchSpace(file, baseModel, models, onnx, proxy, seed, dtype, methods, declarations, fixedParameters, seeds, tensors);
        }

        private sealed record GeneDefaults(int LayersPerGene, IReadOnlyList<string> Filters, LayerSmoothing Smoothing);

        private List<IMergeMethod> Methods(YamlNode node, int modelCount)
        {
            var items = node is YamlScalarNode ? [node] : List(node, "methods").ToList();
            if (items.Count == 0) throw Error(node, "methods: is empty", $"List one or more of: {MergeMethodRegistry.KnownNames}");
            var methods = new List<IMergeMethod>();
            foreach (var (item, i) in items.Select((n, i) => (n, i)))
            {
                var name = Scalar(item, $"methods[{i}]");
                if (!MergeMethodRegistry.TryGet(name, out var method))
                    throw Error(item, $"methods[{i}]: unknown merge method '{name}'", $"Known methods: {MergeMethodRegistry.KnownNames}");
                if (methods.Contains(method))
                    throw Error(item, $"methods[{i}]: {name} is listed twice", "List each method once");
                if (!method.Inputs.Contains(modelCount))
                    throw Error(item, $"methods[{i}]: {name} takes {method.Inputs} model(s) besides the base, the space lists {modelCount}",
                        "Drop the method or change models:");
                methods.Add(method);
            }
            return methods;
        }

        private GeneDeclaration Declaration(YamlNode keyNode, YamlNode value, IReadOnlyList<IMergeMethod> methods, GeneDefaults defaults, TensorLayout tensors)
        {
            var name = Scalar(keyNode, "genes");
            var at = $"genes.{name}";
            var defs = Definitions(name, keyNode, at, methods);
            var first = defs[0];
            if (first.Kind == ParameterKind.Boolean)
                throw Error(keyNode, $"{at}: '{name}' is a true/false switch and cannot be evolved", $"Set it under fixed: (e.g. {name}: false)");
            var valid = Intersect(defs.Select(d => d.Valid));
            var search = Intersect(defs.Select(d => d.Search));
            var options = value is YamlScalarNode s && IsNull(s) ? new YamlMappingNode() : Mapping(value, at);
            Known(options, at, GeneKeys);
            ParameterRange bounds;
            if (Child(options, "bounds") is { } boundsNode)
            {
                var pair = List(boundsNode, $"{at}.bounds").ToList();
                if (pair.Count != 2)
                    throw Error(boundsNode, $"{at}.bounds must be [low, high]", "Give two numbers");
                bounds = new ParameterRange(Number(pair[0], $"{at}.bounds"), Number(pair[1], $"{at}.bounds"));
                if (!(bounds.Min < bounds.Max))
                    throw Error(boundsNode, $"{at}.bounds {bounds} is empty", "Give low < high");
                if (!valid.Contains(bounds.Min) || !valid.Contains(bounds.Max))
                    throw Error(boundsNode, $"{at}.bounds {bounds} lies outside {name}'s valid range {valid}",
                        $"Keep the bounds inside {valid} (declared by {string.Join(", ", methods.Where(m => m.Parameters.Any(p => p.Name == name)).Select(m => m.Name))})");
            }
            else
            {
                bounds = search;
                if (!(bounds.IsFinite && bounds.Min < bounds.Max))
                    throw Error(keyNode, $"{at}: the methods' search ranges for '{name}' do not overlap ({string.Join(", ", defs.Select(d => d.Search))})",
                        "Give bounds: [low, high] for this gene");
            }
            var layersPerGene = Child(options, "layers_per_gene") is { } lpg ? LayersPerGene(lpg, $"{at}.layers_per_gene", tensors.LayerCount) : defaults.LayersPerGene;
            var filters = Child(options, "filters") is { } f ? Filters(f, $"{at}.filters", tensors) : defaults.Filters;
            var smoothing = Child(options, "smoothing") is { } sm ? Smoothing(sm, $"{at}.smoothing") : defaults.Smoothing;
            return new GeneDeclaration(name, first.Scope, first.Kind, bounds, layersPerGene, filters, smoothing);
        }

        /// <summary>The declarations of a parameter by every method that has one; all must agree on scope and kind.</summary>
        private List<ParameterDef> Definitions(string name, YamlNode node, string at, IReadOnlyList<IMergeMethod> methods)
        {
            var defs = methods.SelectMany(m => m.Parameters.Where(p => p.Name == name)).ToList();
            if (defs.Count == 0)
                throw Error(node, $"{at}: none of the methods ({string.Join(", ", methods.Select(m => m.Name))}) has a parameter '{name}'",
                    (name is "drop_rate" or "drop" ? "DARE's drop rate is 1 - density, as in mergekit: evolve density. " : "")
                    + $"Their parameters: {string.Join(", ", methods.SelectMany(m => m.Parameters.Select(p => p.Name)).Distinct())}");
            if (defs.Any(d => d.Scope != defs[0].Scope || d.Kind != defs[0].Kind))
                throw Error(node, $"{at}: the methods declare '{name}' differently (per model in some, global in others)",
                    "Search those methods in separate spaces");
            return defs;
        }

        private List<FixedParameter> Fixed(YamlNode node, IReadOnlyList<IMergeMethod> methods, IReadOnlyList<GeneDeclaration> declarations)
        {
            var list = new List<FixedParameter>();
            foreach (var (keyNode, value) in Mapping(node, "fixed").Children)
            {
                var name = Scalar(keyNode, "fixed");
                var at = $"fixed.{name}";
                var defs = Definitions(name, keyNode, at, methods);
                if (declarations.Any(d => d.Parameter == name))
                    throw Error(keyNode, $"{at}: '{name}' is also evolved under genes:", "Either evolve it or fix it");
                var text = Scalar(value, at);
                double v;
                if (defs[0].Kind == ParameterKind.Boolean)
                    v = text switch
                    {
                        "true" or "True" => 1,
                        "false" or "False" => 0,
                        _ => throw Error(value, $"{at} must be true or false, not '{text}'", "Write true or false"),
                    };
                else
                {
                    v = Number(value, at);
                    var valid = Intersect(defs.Select(d => d.Valid));
                    if (!valid.Contains(v))
                        throw Error(value, $"{at} = {text} is outside {name}'s valid range {valid}", $"Give a value in {valid}");
                    if (defs[0].Kind == ParameterKind.Integer && v != Math.Floor(v))
                        throw Error(value, $"{at} must be an integer, not {text}", "Give a whole number");
                }
                list.Add(new FixedParameter(name, v, defs[0].Kind == ParameterKind.Boolean));
            }
            return list;
        }

        private int LayersPerGene(YamlNode node, string at, int layers)
        {
            var k = (int)Math.Min(int.MaxValue, UnsignedInteger(node, at));
            if (k < 1 || k > layers || layers % k != 0)
            {
                var divisors = Enumerable.Range(1, layers).Where(d => layers % d == 0);
                throw Error(node, $"{at}: {k} layers per gene does not split the base's {layers} layers into equal groups",
                    $"Use one of {string.Join(", ", divisors)}");
            }
            return k;
        }

        private IReadOnlyList<string> Filters(YamlNode node, string at, TensorLayout tensors)
        {
            var filters = new List<string>();
            foreach (var (item, i) in List(node, at).Select((n, i) => (n, i)))
            {
                var filter = Scalar(item, $"{at}[{i}]");
                if (filter.Length == 0 || filter == "*")
                    throw Error(item, $"{at}[{i}]: an empty or '*' filter matches every tensor", "Filters name a part of the layer tensors' names, e.g. self_attn or mlp");
                if (filters.Contains(filter))
                    throw Error(item, $"{at}[{i}]: '{filter}' is listed twice");
                var matched = tensors.LayerTensors.Where(t => TensorLayout.FilterSlot(t.Name, filters.Append(filter).ToList()) == filters.Count).ToList();
                if (matched.Count == 0)
                    throw Error(item, $"{at}[{i}]: '{filter}' matches no layer tensor of the base (or only tensors an earlier filter takes)",
                        $"Layer tensors look like {tensors.LayerTensors.FirstOrDefault().Name}");
                filters.Add(filter);
            }
            return filters;
        }

        private LayerSmoothing Smoothing(YamlNode node, string at) => Scalar(node, at) switch
        {
            "step" or "none" => LayerSmoothing.Step,
            "linear" => LayerSmoothing.Linear,
            var other => throw Error(node, $"{at}: unknown smoothing '{other}'", "Use step (one value per layer group) or linear (group values interpolated across layers)"),
        };

        private (TensorLayout, int) BaseLayout(string baseModel, YamlMappingNode root)
        {
            var baseNode = Required(root, "base", "");
            var layers = LayerCount(baseModel, baseNode, "base");
            TensorLayout tensors;
            using (var folder = HfModelFolder.Open(baseModel))
                tensors = new TensorLayout(folder.Weights.Tensors.Select(t => t.Name));
            if (tensors.LayerCount != layers)
                throw Error(baseNode, $"base: config.json says {layers} layers, its tensors hold {tensors.LayerCount}", "Fix the base's config.json");
            foreach (var name in tensors.NonLayerTensors)
                if (tensors.LayerTensors.FirstOrDefault(t => t.Name.Contains(name, StringComparison.Ordinal)).Name is { } clash)
                    throw Error(baseNode, $"base: the non-layer tensor name {name} is part of the layer tensor name {clash}, so no recipe filter can tell them apart",
                        "This architecture's tensor names are not supported by search spaces");
            return (tensors, layers);
        }

        private int LayerCount(string folder, YamlNode node, string at)
        {
            var config = ModelConfig.Read(Path.Combine(folder, ModelConfig.FileName));
            return config.NumHiddenLayers is { } n and > 0 ? n
                : throw Error(node, $"{at}: config.json of {folder} gives no num_hidden_layers", "A search space needs models whose config.json states their depth");
        }

        private string ModelFolder(YamlNode node, string at)
        {
            var folder = Path.GetFullPath(Scalar(node, at), _folder);
            if (!Directory.Exists(folder))
                throw Error(node, $"{at}: model folder '{folder}' does not exist", "Give a local Hugging Face folder, relative to the space file's folder");
            if (!File.Exists(Path.Combine(folder, ModelConfig.FileName)))
                throw Error(node, $"{at}: '{folder}' has no config.json", "Give a Hugging Face model folder (config.json beside the safetensors)");
            return folder.TrimEnd(Path.DirectorySeparatorChar);
        }

        private static ParameterRange Intersect(IEnumerable<ParameterRange> ranges) =>
            ranges.Aggregate((a, b) => new ParameterRange(Math.Max(a.Min, b.Min), Math.Min(a.Max, b.Max)));

        private void Known(YamlMappingNode map, string at, string[] keys)
        {
            foreach (var (key, _) in map.Children)
            {
                var name = Scalar(key, at);
                if (!keys.Contains(name))
                    throw Error(key, $"unknown key '{(at.Length == 0 ? name : $"{at}.{name}")}'", $"Known keys{(at.Length == 0 ? "" : $" under {at}")}: {string.Join(", ", keys)}");
            }
        }

        private YamlNode Required(YamlMappingNode map, string key, string at) =>
            Child(map, key) ?? throw Error(map, $"'{(at.Length == 0 ? key : $"{at}.{key}")}' is missing", "See search-spaces/zoo.yaml for a complete space");

        private static YamlNode Key(YamlMappingNode map, string key) => map.Children.Keys.First(k => k is YamlScalarNode { Value: var v } && v == key);

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var v) && !(v is YamlScalarNode s && IsNull(s)) ? v : null;

        private static bool IsNull(YamlScalarNode s) => s.Style == ScalarStyle.Plain && s.Value is null or "" or "null" or "~";

        private YamlMappingNode Mapping(YamlNode node, string at) =>
            node as YamlMappingNode ?? throw Error(node, $"{at} must be a mapping");

        private IEnumerable<YamlNode> List(YamlNode node, string at) =>
            node as YamlSequenceNode is { } seq ? seq.Children : throw Error(node, $"{at} must be a list");

        private string Scalar(YamlNode node, string at) =>
            node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"{at} must be a single value");

        private double Number(YamlNode node, string at) =>
            double.TryParse(Scalar(node, at), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw Error(node, $"{at} must be a number, not '{Scalar(node, at)}'");

        private ulong UnsignedInteger(YamlNode node, string at) =>
            ulong.TryParse(Scalar(node, at), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v : throw Error(node, $"{at} must be a whole number >= 0, not '{Scalar(node, at)}'");

        private SearchSpaceException Error(YamlNode node, string problem, string? remedy = null) =>
            new($"{file}:{node.Start.Line}", problem, remedy);
    }
}
