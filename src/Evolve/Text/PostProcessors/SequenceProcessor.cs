namespace Evolve.Text.PostProcessors;

/// <summary>
/// "Sequence": each processor in turn. Processors that leave ids untouched are skipped, so a template after a
/// ByteLevel processor still sees the pair; the first remaining processor joins it.
/// </summary>
internal sealed class SequenceProcessor : IPostProcessor
{
    private readonly IPostProcessor[] _stages;

    public SequenceProcessor(IEnumerable<IPostProcessor> stages) =>
        _stages = stages.Where(s => s is not IdentityProcessor).ToArray();

    public void Process(List<int> first, List<int>? second, bool addSpecialTokens)
    {
        if (_stages.Length == 0)
        {
            new IdentityProcessor().Process(first, second, addSpecialTokens);
            return;
        }
        foreach (var stage in _stages)
        {
            stage.Process(first, second, addSpecialTokens);
            second = null;
        }
    }
}
