namespace Evolve.Merging.Recipes;

/// <summary>The <c>parameters:</c> mapping of one recipe level, in the order written.</summary>
internal sealed record ParameterMap(ValueList<ParameterEntry> Entries)
{
    public static ParameterMap Empty { get; } = new(ValueList<ParameterEntry>.Empty);

    public ParameterSetting? Get(string name)
    {
        foreach (var e in Entries)
            if (e.Name == name) return e.Value;
        return null;
    }

    public bool IsEmpty => Entries.Count == 0;

    public static ParameterMap Of(params (string Name, ParameterSetting Value)[] entries) =>
        new(new ValueList<ParameterEntry>(entries.Select(e => new ParameterEntry(e.Name, e.Value))));
}

internal sealed record ParameterEntry(string Name, ParameterSetting Value);
