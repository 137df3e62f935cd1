using Evolve.Soups;

namespace Evolve.Tests.Soups;

public class GreedySoupTests
{
    /// <summary>
    /// Ingredients score 0.5, 0.7, 0.6, 0.4 alone, so they are tried in the order 1, 2, 0, 3. The soups the rule must
    /// ask for, and their scores: {1,2} 0.72 (kept: up from 0.7), {1,2,0} 0.71 (dropped: down from 0.72), {1,2,3} 0.72
    /// (kept: equal, the score does not drop).
    /// </summary>
    [Fact]
    public void Each_ingredient_is_kept_only_when_the_soup_does_not_drop()
    {
        var soups = new Dictionary<string, double> { ["1,2"] = 0.72, ["1,2,0"] = 0.71, ["1,2,3"] = 0.72 };
        var asked = new List<string>();
        var outcome = GreedySoup.Run([0.5, 0.7, 0.6, 0.4], s => s, members =>
        {
            var key = string.Join(",", members);
            asked.Add(key);
            return soups[key];
        });
        Assert.Equal([1, 2, 0, 3], outcome.Order);
        Assert.Equal(["1,2", "1,2,0", "1,2,3"], asked);
        Assert.Equal([(1, true, 0.7), (2, true, 0.72), (0, false, 0.71), (3, true, 0.72)], outcome.Steps.Select(s => (s.Ingredient, s.Added, s.Score)));
        Assert.Equal([1, 2, 3], outcome.Members);
        Assert.Equal(0.72, outcome.Score);
    }

    [Fact]
    public void Ties_in_the_ingredients_own_scores_keep_input_order_and_a_lone_ingredient_is_its_own_soup()
    {
        var outcome = GreedySoup.Run([0.6, 0.6, 0.9], s => s, _ => 0.1);
        Assert.Equal([2, 0, 1], outcome.Order);
        Assert.Equal([2], outcome.Members);
        Assert.Equal(0.9, outcome.Score);
        Assert.Equal([true, false, false], outcome.Steps.Select(s => s.Added));
    }
}
