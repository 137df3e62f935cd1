namespace Evolve.Text.PreTokenizers;

/// <summary>What a split does with the delimiters it finds, named as in tokenizer.json.</summary>
internal enum SplitDelimiterBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
