namespace Evolve.Merging.Parameters;

/// <summary>
/// The values of a method's parameters for one output tensor, after gradients, filters and per-model overrides:
/// one value per global parameter and one per (per-model parameter, input model).
/// </summary>
internal sealed class MethodParameters
{
    private readonly IReadOnlyList<ParameterDef> _defs;
    private readonly double[][] _values;

    /// <param name="defs">The method's declarations.</param>
    /// <param name="values">Per declaration: one value (global) or one per model (per-model), in model order.</param>
    public MethodParameters(IReadOnlyList<ParameterDef> defs, double[][] values)
    {
        if (defs.Count != values.Length)
            throw new ArgumentException("one value array per parameter declaration is required", nameof(values));
        _defs = defs;
        _values = values;
    }

    public IReadOnlyList<ParameterDef> Definitions => _defs;

    /// <summary>Values of declaration <paramref name="index"/>: one for a global parameter, one per model otherwise.</summary>
    public ReadOnlySpan<double> ValuesAt(int index) => _values[index];

    public double Global(string name)
    {
        var i = IndexOf(name);
        if (_defs[i].Scope != ParameterScope.Global)
            throw new InvalidOperationException($"parameter {name} is per model");
        return _values[i][0];
    }

    public bool Flag(string name) => Global(name) != 0;

    public ReadOnlySpan<double> PerModel(string name)
    {
        var i = IndexOf(name);
        if (_defs[i].Scope != ParameterScope.PerModel)
            throw new InvalidOperationException($"parameter {name} is global");
        return _values[i];
    }

    /// <summary>Builds parameters from name → value(s); anything not given takes its default. For tests and tools.</summary>
    public static MethodParameters Of(IReadOnlyList<ParameterDef> defs, int modelCount, IReadOnlyDictionary<string, double[]>? given = null)
    {
        var values = new double[defs.Count][];
        for (var i = 0; i < defs.Count; i++)
        {
            var def = defs[i];
            if (given is not null && given.TryGetValue(def.Name, out var v))
                values[i] = def.Scope == ParameterScope.Global || v.Length == modelCount ? v
                    : throw new ArgumentException($"{def.Name} needs {modelCount} values");
            else if (def.Default is { } d)
                values[i] = def.Scope == ParameterScope.Global ? [d] : Enumerable.Repeat(d, modelCount).ToArray();
            else
                throw new ArgumentException($"required parameter {def.Name} not given");
        }
        return new MethodParameters(defs, values);
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _defs.Count; i++)
            if (_defs[i].Name == name)
                return i;
        throw new InvalidOperationException($"method declares no parameter {name}");
    }
}
