namespace Evolve.Text.PostProcessors;

/// <summary>
/// "BertProcessing" ([CLS] A [SEP] B [SEP]) and "RobertaProcessing" (&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;): a start id, an
/// end id, and whether a pair's second sequence is opened by another end id.
/// </summary>
internal sealed class SurroundProcessor(int startId, int endId, bool doubleSeparator) : IPostProcessor
{
    public void Process(List<int> first, List<int>? second, bool addSpecialTokens)
    {
        if (!addSpecialTokens)
        {
            if (second is not null)
                first.AddRange(second);
            return;
        }
        first.Insert(0, startId);
        first.Add(endId);
        if (second is null)
            return;
        if (doubleSeparator)
            first.Add(endId);
        first.AddRange(second);
        first.Add(endId);
    }
}
