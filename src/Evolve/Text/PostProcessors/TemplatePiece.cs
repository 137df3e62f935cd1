namespace Evolve.Text.PostProcessors;

/// <summary>One item of a TemplateProcessing template: a sequence ($A / $B) or the ids of a special token.</summary>
internal abstract record TemplatePiece
{
    public sealed record Sequence(bool IsSecond) : TemplatePiece;

    public sealed record Special(IReadOnlyList<int> Ids) : TemplatePiece;
}
