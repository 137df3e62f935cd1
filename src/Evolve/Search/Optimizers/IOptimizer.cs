using Evolve.Search.Genome;

namespace Evolve.Search.Optimizers;

/// <summary>
/// Ask/tell over a bounded genome, maximizing fitness. Asks may run ahead of tells (no generation barrier); a tell
/// names the candidate it answers and NaN marks a failed candidate. For a fixed seed, the same interleaving of asks
/// and tells gives bit-identical asks, which is what resume by replay relies on (DESIGN.md §4.6).
/// </summary>
internal interface IOptimizer
{
    string Name { get; }

    GenomeSpace Space { get; }

    /// <summary>Completed generations (for a steady-state GA: tells / population size).</summary>
    int Generation { get; }

    Candidate Ask();

    /// <summary>Answers an asked candidate; <paramref name="fitness"/> is NaN when its evaluation failed.</summary>
    void Tell(long candidateId, double fitness);

    /// <summary>The whole optimizer state, candidates in flight included, as JSON.</summary>
    string ExportState();

    /// <summary>Replaces the state with one written by <see cref="ExportState"/> of an optimizer with the same settings.</summary>
    void ImportState(string json);
}
