namespace Evolve.Text.PostProcessors;

/// <summary>Adds the special tokens around one encoded sequence (or a pair) after the model has run.</summary>
internal interface IPostProcessor
{
    /// <param name="first">Ids of the first sequence, updated in place.</param>
    /// <param name="second">Ids of the second sequence of a pair, or null; the processor appends it to
    /// <paramref name="first"/>.</param>
    void Process(List<int> first, List<int>? second, bool addSpecialTokens);
}
