namespace Evolve.Text.PostProcessors;

/// <summary>"TemplateProcessing": lays the sequences out as its single or pair template says.</summary>
internal sealed class TemplateProcessor(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair) : IPostProcessor
{
    public void Process(List<int> first, List<int>? second, bool addSpecialTokens)
    {
        if (!addSpecialTokens)
        {
            if (second is not null)
                first.AddRange(second);
            return;
        }
        var a = first.ToArray();
        first.Clear();
        foreach (var piece in second is null ? single : pair)
        {
            switch (piece)
            {
                case TemplatePiece.Sequence { IsSecond: false }:
                    first.AddRange(a);
                    break;
                case TemplatePiece.Sequence { IsSecond: true }:
                    first.AddRange(second!);
                    break;
                case TemplatePiece.Special special:
                    first.AddRange(special.Ids);
                    break;
            }
        }
    }
}
