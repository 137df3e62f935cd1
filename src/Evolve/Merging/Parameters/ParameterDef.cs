using System.Globalization;

namespace Evolve.Merging.Parameters;

/// <summary>
/// The one declaration of a merge parameter. Recipe validation, the search module's gene bounds, the CLI's
/// <c>--list-methods</c> text and the docs all read this record; nothing restates a name, default or range.
/// </summary>
/// <param name="Name">The mergekit YAML key.</param>
/// <param name="Scope">Global (per output tensor) or per model.</param>
/// <param name="Kind">Number, integer or boolean.</param>
/// <param name="Default">mergekit's default for this method; null when the parameter is required.</param>
/// <param name="Valid">Values a recipe may give (anything else is a recipe error).</param>
/// <param name="Search">Bounds a search explores by default (finite, inside <paramref name="Valid"/>).</param>
/// <param name="Description">One sentence for help text and docs.</param>
/// <param name="Reference">Where the parameter comes from (paper or mergekit source).</param>
internal sealed record ParameterDef(
    string Name,
    ParameterScope Scope,
    ParameterKind Kind,
    double? Default,
    ParameterRange Valid,
    ParameterRange Search,
    string Description,
    string Reference)
{
    public bool Required => Default is null;

    /// <summary>
    /// Accepted for mergekit compatibility but without effect on this method (task_arithmetic's density): a search
    /// never writes it, so two candidates differing only there are one candidate.
    /// </summary>
    public bool Ignored { get; init; }

    public string DefaultText => Default is not { } d
        ? "required"
        : Kind == ParameterKind.Boolean ? (d != 0 ? "true" : "false") : d.ToString("G", CultureInfo.InvariantCulture);

    public static ParameterDef Flag(string name, bool @default, string description, string reference) =>
        new(name, ParameterScope.Global, ParameterKind.Boolean, @default ? 1 : 0, ParameterRange.UnitInterval,
            ParameterRange.UnitInterval, description, reference);
}
