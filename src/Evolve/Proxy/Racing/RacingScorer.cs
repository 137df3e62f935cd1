using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

namespace Evolve.Proxy.Racing;

/// <summary>How a race runs: its error rate, how often it looks, its first look, the order's seed, and the floor
/// below which per-token log-likelihoods are clamped.</summary>
internal sealed record RaceSettings(double Delta = 0.05, int LookEvery = 5, int MinItems = 10, ulong Seed = 0, double LogLikelihoodFloor = -20);

/// <summary>The items a race scored (in its order), whether it stopped the candidate, and how many items that saved.</summary>
internal sealed record RaceResult(IReadOnlyList<ItemScore> Scored, bool Stopped, int ItemsSaved);

/// <summary>
/// Scores a candidate in a seeded item order and stops it once it cannot beat the incumbent's fitness (a
/// <see cref="Race"/>). The fitness Σ_t w_t·mean_t / Σ w is the plain mean over all N items of
/// c_t·score with c_t = w_t·N / (n_t·Σ w), so the race runs on those weighted values, whose range is
/// [min_t c_t·low_t, max_t c_t·high_t].
/// <para>
/// Score ranges: 0/1 metrics lie in [0, 1]. The per-token log-likelihood lies in (−∞, 0], which no bounded race can
/// take as is, so each such score is clamped to [<see cref="RaceSettings.LogLikelihoodFloor"/>, 0] before the race
/// sees it. Clamping only raises a score, so the bound holds for a mean at least the true one: the race may keep a
/// hopeless candidate longer, never drop one it should keep. The incumbent's fitness is taken unclamped.
/// </para>
/// </summary>
internal static class RacingScorer
{
    public static RaceResult Run(ProxyScorer scorer, ICausalLm model, double incumbentFitness, RaceSettings settings)
    {
        var items = scorer.Items;
        var n = items.Count;
        var weights = items.GroupBy(i => i.Item.Task).ToDictionary(g => g.Key, g => (g.First().Settings, Count: g.Count()));
        var totalWeight = weights.Values.Sum(w => w.Settings.Weight);
        double Factor(string task) => weights[task].Settings.Weight * n / (weights[task].Count * totalWeight);
        double Low(TaskSettings s) => s.Metric.IsBinary() ? 0 : settings.LogLikelihoodFloor;
        var low = weights.Min(p => Factor(p.Key) * Low(p.Value.Settings));
        var high = weights.Max(p => Factor(p.Key) * 1.0 * (p.Value.Settings.Metric.IsBinary() ? 1 : 0));
        if (high <= low)
            high = low + double.Epsilon;
        var race = new Race(incumbentFitness, n, low, high, settings.Delta, settings.LookEvery, settings.MinItems);

        var order = ItemOrder.Permutation(n, settings.Seed);
        var scored = new List<ItemScore>(n);
        var values = new double[n];
        var next = 0;
        while (next < n)
        {
            var take = next == 0 ? Math.Min(n, settings.MinItems) : Math.Min(n - next, settings.LookEvery);
            var chunk = scorer.ScoreItems(model, order[next..(next + take)]);
            for (var k = 0; k < chunk.Length; k++)
            {
                var settingsOf = weights[chunk[k].Task].Settings;
                var score = settingsOf.Metric.IsBinary() ? chunk[k].Score : Math.Clamp(chunk[k].Score, settings.LogLikelihoodFloor, 0);
                values[next + k] = Factor(chunk[k].Task) * score;
            }
            scored.AddRange(chunk);
            next += take;
            if (race.ShouldStop(values.AsSpan(0, next)))
                return new RaceResult(scored, true, n - next);
        }
        return new RaceResult(scored, false, 0);
    }
}
