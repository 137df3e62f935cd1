namespace Evolve.Search.Terminations;

/// <summary>Stops as soon as any of its parts does, with that part's reason.</summary>
internal sealed class AnyTermination(params ITermination[] parts) : ITermination
{
    public string? Check(SearchProgress progress)
    {
        foreach (var part in parts)
            if (part.Check(progress) is { } reason)
                return reason;
        return null;
    }
}
