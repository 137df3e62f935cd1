namespace Evolve.Merging.Recipes;

/// <summary>Source layers [Start, End) of a slice.</summary>
internal readonly record struct LayerRange(int Start, int End)
{
    public int Count => End - Start;
}
