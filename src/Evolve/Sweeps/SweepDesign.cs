using Evolve.Merging.Methods;
using Evolve.Merging.Parameters;
using Evolve.Merging.Recipes;

namespace Evolve.Sweeps;

/// <summary>
/// What a sweep varies and the recipe it scores at each grid value.
/// <list type="bullet">
/// <item>Inputs: a method that takes exactly one input besides a required base (slerp) sweeps between two models, the
/// first being its base_model; a method that merges its base as one more input (linear, karcher …) merges the models
/// alone; any other method adds the models to the space's base.</item>
/// <item><c>t</c> on linear with two models: weights (1−x, x), the interpolation slerp does spherically.</item>
/// <item>A global parameter of the method (slerp's t, lambda …): set at the top level to x.</item>
/// <item>A per-model parameter (weight, density, epsilon …): every model's set to x, a shared scale; for the weight of a
/// method that normalizes by the weight sum, normalize is turned off, since a shared scale would divide out.</item>
/// <item><c>NAME:MODEL</c>, a per-model parameter for one model (by folder name or path): that model's set to x.</item>
/// </list>
/// Any weight the method requires and the sweep does not set is 1.
/// </summary>
internal sealed class SweepDesign
{
    private readonly IMergeMethod _method;
    private readonly ModelReference? _base;
    private readonly IReadOnlyList<ModelReference> _inputs;
    private readonly ParameterDef? _parameter;
    private readonly int? _onlyModel;
    private readonly bool _linearT;

    private SweepDesign(IMergeMethod method, ModelReference? baseModel, IReadOnlyList<ModelReference> inputs, string parameterText,
        ParameterDef? parameter, int? onlyModel, bool linearT)
    {
        _method = method;
        _base = baseModel;
        _inputs = inputs;
        Parameter = parameterText;
        _parameter = parameter;
        _onlyModel = onlyModel;
        _linearT = linearT;
    }

    public string Method => _method.Name;

    /// <summary>The swept parameter as the user names it (t, weight, density:MODEL …).</summary>
    public string Parameter { get; }

    /// <summary>
    /// The design for <paramref name="models"/> (fine-tunes of <paramref name="baseModel"/>, or the base itself among
    /// two interpolated models). Method defaults to slerp for two models and task_arithmetic otherwise; the parameter
    /// to t for slerp and linear, weight (a shared scale) otherwise.
    /// </summary>
    public static SweepDesign Create(string baseModel, IReadOnlyList<string> models, string? methodName, string? parameterText)
    {
        if (models.Count == 0)
            throw new SweepException("the search space", "lists no models to sweep", "list the fine-tunes under models:");
        methodName ??= models.Count == 2 ? "slerp" : "task_arithmetic";
        if (!MergeMethodRegistry.TryGet(methodName, out var method))
            throw new SweepException("option --method", $"unknown merge method '{methodName}'", $"Known methods: {MergeMethodRegistry.KnownNames}");
        parameterText ??= method.Name is "slerp" or "linear" ? "t" : "weight";

        var pairBase = method.BaseModel == BaseModelRole.Required && method.Inputs == InputCount.Exactly(1);
        if ((pairBase || (method.Name == "linear" && parameterText == "t")) && models.Count != 2)
            throw new SweepException("option --models", $"{method.Name} with {parameterText} interpolates two models; {models.Count} are selected",
                "name two with --models (the base may be one of them)");
        var references = models.Select(m => new ModelReference(m)).ToArray();
        ModelReference? recipeBase = pairBase ? references[0] : method.BaseModel == BaseModelRole.Input ? null : new ModelReference(baseModel);
        IReadOnlyList<ModelReference> inputs = pairBase ? references[1..] : references.Where(r => r != recipeBase).ToArray();
        if (!method.Inputs.Contains(inputs.Count))
            throw new SweepException("option --method", $"{method.Name} takes {method.Inputs} model(s) besides the base; the sweep has {inputs.Count}",
                "choose another method or other models");

        if (method.Name == "linear" && parameterText == "t")
            return new SweepDesign(method, recipeBase, inputs, parameterText, null, null, linearT: true);
        var colon = parameterText.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? parameterText : parameterText[..colon];
        var parameter = method.Parameters.FirstOrDefault(p => p.Name == name && p.Kind == ParameterKind.Number)
            ?? throw new SweepException("option --param", $"{method.Name} has no numeric parameter '{name}'",
                $"its parameters: {string.Join(", ", method.Parameters.Where(p => p.Kind == ParameterKind.Number).Select(p => p.Name).DefaultIfEmpty("none"))}");
        int? only = null;
        if (colon >= 0)
        {
            if (parameter.Scope != ParameterScope.PerModel)
                throw new SweepException("option --param", $"{name} is one value for the whole merge, not per model", $"write --param {name}");
            only = ModelIndex(inputs, parameterText[(colon + 1)..]);
        }
        return new SweepDesign(method, recipeBase, inputs, parameterText, parameter, only, linearT: false);
    }

    private static int ModelIndex(IReadOnlyList<ModelReference> inputs, string name)
    {
        for (var i = 0; i < inputs.Count; i++)
            if (inputs[i].Path == name || Path.GetFileName(Path.TrimEndingDirectorySeparator(inputs[i].Path)) == name)
                return i;
        throw new SweepException("option --param", $"'{name}' is not one of the merged models",
            $"name one of: {string.Join(", ", inputs.Select(m => Path.GetFileName(Path.TrimEndingDirectorySeparator(m.Path))))}");
    }

    /// <summary>Every grid value's recipe; a value outside the swept parameter's valid range is an error of the grid.</summary>
    public IReadOnlyList<Recipe> Recipes(IReadOnlyList<double> grid)
    {
        foreach (var x in grid)
            if (_parameter is not null && !_parameter.Valid.Contains(x))
                throw new SweepException("option --grid", $"{_parameter.Name} = {SweepGrid.Format(x)} is outside {Method}'s valid range {_parameter.Valid}",
                    "keep the grid inside it");
        return grid.Select(At).ToArray();
    }

    /// <summary>The recipe at grid value <paramref name="x"/>.</summary>
    public Recipe At(double x)
    {
        var global = new List<(string, ParameterSetting)>();
        if (_parameter is { Scope: ParameterScope.Global })
            global.Add((_parameter.Name, new NumberSetting(x)));
        var sharedWeight = _parameter is { Name: "weight", Scope: ParameterScope.PerModel } && _onlyModel is null;
        if (sharedWeight && _method.Parameters.Any(p => p.Name == "normalize" && p.Default == 1))
            global.Add(("normalize", new BoolSetting(false)));
        var entries = _inputs.Select((model, i) =>
        {
            var parameters = new List<(string, ParameterSetting)>();
            if (_linearT)
                parameters.Add(("weight", new NumberSetting(i == 0 ? 1 - x : x)));
            else if (_parameter is { Scope: ParameterScope.PerModel } p && (_onlyModel is null || _onlyModel == i))
                parameters.Add((p.Name, new NumberSetting(x)));
            if (!parameters.Any(e => e.Item1 == "weight") && _method.Parameters.Any(d => d.Name == "weight" && d.Required))
                parameters.Insert(0, ("weight", new NumberSetting(1)));
            return new ModelEntry(model, ParameterMap.Of([.. parameters]));
        });
        var recipe = new Recipe(_method.Name, _base, ParameterMap.Of([.. global]), new ValueList<ModelEntry>(entries), null);
        RecipeValidator.Validate(recipe);
        return recipe;
    }
}
