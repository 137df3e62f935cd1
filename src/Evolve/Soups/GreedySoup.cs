namespace Evolve.Soups;

/// <summary>One ingredient tried: the soup it would make (ingredient indices), that soup's score, and whether it was kept.</summary>
internal sealed record GreedyStep<TScore>(int Ingredient, IReadOnlyList<int> Soup, TScore Score, bool Added);

/// <summary>The greedy soup's trace: ingredients best first, every step, the final members and their score.</summary>
internal sealed record GreedyOutcome<TScore>(IReadOnlyList<int> Order, IReadOnlyList<GreedyStep<TScore>> Steps, IReadOnlyList<int> Members, TScore Score);

/// <summary>
/// Wortsman et al.'s greedy soup (Model soups, arXiv:2203.05482, Recipe 1): sort the ingredients by their own
/// held-out score, best first (the earlier ingredient on a tie); start the soup with the best; try each next one in
/// that order and keep it when the uniform average of the soup with it scores at least as well as the soup without
/// it (the score does not drop). The first step is the best ingredient alone, scored by its own score.
/// </summary>
internal static class GreedySoup
{
    public static GreedyOutcome<TScore> Run<TScore>(IReadOnlyList<TScore> individual, Func<TScore, double> estimate, Func<IReadOnlyList<int>, TScore> scoreSoup)
    {
        if (individual.Count == 0)
            throw new ArgumentException("a soup needs ingredients", nameof(individual));
        var order = Enumerable.Range(0, individual.Count).OrderByDescending(i => estimate(individual[i])).ThenBy(i => i).ToArray();
        IReadOnlyList<int> soup = [order[0]];
        var score = individual[order[0]];
        var steps = new List<GreedyStep<TScore>> { new(order[0], soup, score, true) };
        foreach (var next in order.Skip(1))
        {
            IReadOnlyList<int> candidate = [.. soup, next];
            var candidateScore = scoreSoup(candidate);
            var added = estimate(candidateScore) >= estimate(score);
            steps.Add(new GreedyStep<TScore>(next, candidate, candidateScore, added));
            if (added)
                (soup, score) = (candidate, candidateScore);
        }
        return new GreedyOutcome<TScore>(order, steps, soup, score);
    }
}
