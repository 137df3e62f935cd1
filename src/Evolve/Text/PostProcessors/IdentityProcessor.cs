namespace Evolve.Text.PostProcessors;

/// <summary>A processor that only changes offsets in the reference library ("ByteLevel"): ids pass through.</summary>
internal sealed class IdentityProcessor : IPostProcessor
{
    public void Process(List<int> first, List<int>? second, bool addSpecialTokens)
    {
        if (second is not null)
            first.AddRange(second);
    }
}
