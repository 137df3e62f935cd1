using System.Globalization;
using System.Text;
using Evolve.Merging.Recipes;

namespace Evolve.Search;

/// <summary>
/// A recipe in one line for a live display: the method, then per model its folder name and the mean of each
/// numeric parameter over its clauses and layer anchors, e.g. <c>ties · nines weight 0.62 density 0.50 · enc …</c>.
/// </summary>
internal static class RecipeBrief
{
    public static string Of(string recipeText)
    {
        var recipe = RecipeYaml.Parse(recipeText);
        var text = new StringBuilder(recipe.MergeMethod);
        foreach (var entry in recipe.Parameters.Entries)
            Append(text.Append(" · "), entry);
        foreach (var model in recipe.Models ?? ValueList<ModelEntry>.Empty)
        {
            text.Append(" · ").Append(Path.GetFileName(model.Model.Path.TrimEnd('/', '\\')));
            foreach (var entry in model.Parameters.Entries)
                Append(text.Append(' '), entry);
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, ParameterEntry entry)
    {
        var numbers = Numbers(entry.Value).ToArray();
        text.Append(entry.Name).Append(' ');
        text.Append(numbers.Length > 0 ? numbers.Average().ToString("0.00", CultureInfo.InvariantCulture) : entry.Value is BoolSetting b ? (b.Value ? "true" : "false") : "…");
    }

    private static IEnumerable<double> Numbers(ParameterSetting setting) => setting switch
    {
        NumberSetting n => [n.Value],
        GradientSetting g => g.Anchors,
        FilteredSetting f => f.Clauses.SelectMany(c => Numbers(c.Value)),
        ChoiceSetting c => c.Items.SelectMany(Numbers),
        _ => [],
    };
}
