using System.Globalization;
using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Recipes;

/// <summary>
/// Checks a recipe against what needs no model files: the method exists, every parameter is declared by it, at the
/// right level, of the right type and inside its declared range (every gradient anchor and filter value), the base
/// and the number of inputs suit the method, slices are consistent, dtypes and tokenizer source are supported.
/// Model-dependent checks (shapes, layer counts) happen in the planner.
/// </summary>
internal static class RecipeValidator
{
    public static IMergeMethod Validate(Recipe recipe)
    {
        var src = recipe.Source;
        if (!MergeMethodRegistry.TryGet(recipe.MergeMethod, out var method))
            throw new RecipeException(src.Locate("merge_method"), $"unknown merge_method '{recipe.MergeMethod}'",
                $"Known methods: {MergeMethodRegistry.KnownNames}");

        CheckParameters(method, recipe.Parameters, "parameters", src, perModelLevel: false);
        if ((recipe.Models is null) == (recipe.Slices is null))
            throw new RecipeException(src.Locate(""), "a recipe needs exactly one of models: or slices:");

        if (method.BaseModel == BaseModelRole.Required && recipe.BaseModel is null && (recipe.Slices is null || recipe.Slices.Any(s => s.BaseModel is null)))
            throw new RecipeException(src.Locate("merge_method"), $"{method.Name} needs a base_model", "Add base_model: <the models' common base>");

        if (recipe.Models is { } models)
        {
            if (models.Count == 0) throw new RecipeException(src.Locate("models"), "models: is empty");
            for (int i = 0; i < models.Count; i++)
                CheckParameters(method, models[i].Parameters, $"models[{i}].parameters", src, perModelLevel: true);
            CheckInputCount(method, recipe.BaseModel, models.Select(m => m.Model).ToList(), "models", src);
        }
        if (recipe.Slices is { } slices)
        {
            if (slices.Count == 0) throw new RecipeException(src.Locate("slices"), "slices: is empty");
            for (int s = 0; s < slices.Count; s++)
            {
                var slice = slices[s];
                var path = $"slices[{s}]";
                if (slice.Sources.Count == 0) throw new RecipeException(src.Locate(path), "a slice needs at least one source");
                CheckParameters(method, slice.Parameters, path + ".parameters", src, perModelLevel: false);
                for (int i = 0; i < slice.Sources.Count; i++)
                    CheckParameters(method, slice.Sources[i].Parameters, $"{path}.sources[{i}].parameters", src, perModelLevel: true);
                var counts = slice.Sources.Where(x => x.Range is not null).Select(x => x.Range!.Value.Count).Distinct().ToList();
                if (counts.Count > 1)
                    throw new RecipeException(src.Locate(path), $"the sources of slice {s} cover different numbers of layers ({string.Join(", ", counts)})",
                        "Give every source of a slice a layer_range of the same length");
                CheckInputCount(method, slice.BaseModel ?? recipe.BaseModel, slice.Sources.Select(x => x.Model).ToList(), path, src);
            }
        }
        foreach (var (key, value) in new[] { ("dtype", recipe.DType), ("out_dtype", recipe.OutDType) })
            if (value is not null && !RecipeDTypes.TryParse(value, out _))
                throw new RecipeException(src.Locate(key), $"{key} '{value}' is not supported", "Use bfloat16, float16 or float32");
        if (recipe.TokenizerSource is { } tok && tok != "base" && !recipe.AllModels().Contains(ModelReference.Parse(tok)))
            throw new RecipeException(src.Locate("tokenizer_source"), $"tokenizer_source '{tok}' is not supported",
                "Use base or one of the recipe's models (a union vocabulary needs embedding permutation, which Evolve does not do)");
        if (recipe.ChatTemplate is not null)
            throw new RecipeException(src.Locate("chat_template"), "chat_template is not supported", "Remove it; the tokenizer files are copied unchanged");
        return method;
    }

    /// <summary>The inputs a method sees besides the base (for a base-as-input method: all, base included).</summary>
    public static void CheckInputCount(IMergeMethod method, ModelReference? baseModel, IReadOnlyList<ModelReference> listed, string path, SourceMap src)
    {
        int count = method.BaseModel == BaseModelRole.Input
            ? listed.Count + (baseModel is not null && !listed.Contains(baseModel) && path == "models" ? 1 : 0)
            : listed.Count(m => m != baseModel);
        if (!method.Inputs.Contains(count))
            throw new RecipeException(src.Locate(path), $"{method.Name} takes {method.Inputs} model(s) besides the base, this recipe gives {count}",
                method.BaseModel == BaseModelRole.Input ? "List the models to merge" : "Check models and base_model");
    }

    private static void CheckParameters(IMergeMethod method, ParameterMap map, string path, SourceMap src, bool perModelLevel)
    {
        foreach (var entry in map.Entries)
        {
            var at = $"{path}.{entry.Name}";
            var def = method.Parameters.FirstOrDefault(p => p.Name == entry.Name)
                ?? throw new RecipeException(src.Locate(at), $"{method.Name} has no parameter '{entry.Name}'",
                    method.Parameters.Count == 0 ? $"{method.Name} takes no parameters" : $"Its parameters: {string.Join(", ", method.Parameters.Select(p => p.Name))}");
            if (perModelLevel && def.Scope == ParameterScope.Global)
                throw new RecipeException(src.Locate(at), $"'{def.Name}' is a global parameter of {method.Name}, it cannot be set per model",
                    "Move it to the top-level (or slice) parameters");
            CheckValue(def, entry.Value, at, src);
        }
    }

    public static void CheckValue(ParameterDef def, ParameterSetting setting, string at, SourceMap src)
    {
        switch (setting)
        {
            case NumberSetting n:
                CheckNumber(def, n.Value, at, src);
                break;
            case BoolSetting b when def.Kind == ParameterKind.Boolean:
                break;
            case BoolSetting b:
                throw new RecipeException(src.Locate(at), $"{def.Name} must be a number, not {(b.Value ? "true" : "false")}");
            case TextSetting t:
                throw new RecipeException(src.Locate(at), $"{def.Name} must be {(def.Kind == ParameterKind.Boolean ? "true or false" : "a number")}, not '{t.Value}'");
            case GradientSetting g:
                foreach (var a in g.Anchors) CheckNumber(def, a, at, src);
                break;
            case ChoiceSetting c:
                foreach (var item in c.Items) CheckValue(def, item, at, src);
                break;
            case FilteredSetting f:
                for (int i = 0; i < f.Clauses.Count; i++) CheckValue(def, f.Clauses[i].Value, $"{at}[{i}]", src);
                break;
        }
    }

    private static void CheckNumber(ParameterDef def, double v, string at, SourceMap src)
    {
        var text = v.ToString("G", CultureInfo.InvariantCulture);
        if (def.Kind == ParameterKind.Boolean && v is not (0 or 1))
            throw new RecipeException(src.Locate(at), $"{def.Name} must be true or false, not {text}");
        if (def.Kind == ParameterKind.Integer && v != Math.Floor(v))
            throw new RecipeException(src.Locate(at), $"{def.Name} must be an integer, not {text}");
        if (!def.Valid.Contains(v))
            throw new RecipeException(src.Locate(at), $"{def.Name} = {text} is outside its valid range {def.Valid}");
    }
}
