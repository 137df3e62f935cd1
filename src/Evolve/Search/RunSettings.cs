using System.Text.Json;
using Evolve.Search.Store;

namespace Evolve.Search;

/// <summary>
/// A run's settings as stored in run.db (<c>run.settings</c>, JSON): what `--resume` starts from. The seed and the
/// optimizer have columns of their own.
/// </summary>
/// <param name="SpacePath">The search space file's absolute path; resume re-reads it and checks it is unchanged.</param>
/// <param name="Budget">The candidate budget (a resume may raise it).</param>
/// <param name="Hours">Wall-clock limit of each session, null for none.</param>
/// <param name="InFlight">Candidates evaluated at once.</param>
/// <param name="Racing">Whether candidates race the incumbent.</param>
/// <param name="SeedRecipes">Seed recipes given besides the space's own, with the text they had; resume checks each is unchanged.</param>
internal sealed record RunSettings(string SpacePath, long Budget, double? Hours, int InFlight, bool Racing, int HallOfFameSize, int MaxConsecutiveFailures,
    IReadOnlyList<StoredSeedRecipe>? SeedRecipes = null)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static RunSettings FromJson(string json, string database)
    {
        try
        {
            return JsonSerializer.Deserialize<RunSettings>(json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new RunStoreException(database, $"the run's settings are unreadable ({e.Message})", "start a new run", e);
        }
    }
}

/// <summary>A seed recipe of a run: its absolute path and its text when the run started.</summary>
internal sealed record StoredSeedRecipe(string Path, string Text);
