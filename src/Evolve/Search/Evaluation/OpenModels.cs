using Evolve.Checkpoints;
using Evolve.Merging.Planning;
using Evolve.Merging.Recipes;

namespace Evolve.Search.Evaluation;

/// <summary>
/// The models a search's recipes name, each opened (memory-mapped) once for the whole run and lent to every
/// candidate's plan, so a candidate costs no file opening and its pages stay warm. Relative paths resolve against
/// the search space's folder first, the working directory second.
/// </summary>
internal sealed class OpenModels(string? recipeFolder) : IDisposable
{
    private readonly ModelLocator _locator = new(recipeFolder);
    private readonly Dictionary<ModelReference, ITensorSource> _open = [];

    /// <summary>The recipe's models as a set the caller may dispose without closing them.</summary>
    public ModelSet For(Recipe recipe) => ModelSet.Borrow(recipe.AllModels().Select(m => (m, Open(m))));

    private ITensorSource Open(ModelReference model)
    {
        if (!_open.TryGetValue(model, out var source))
            _open[model] = source = _locator.Open(model);
        return source;
    }

    public void Dispose()
    {
        foreach (var source in _open.Values)
            source.Dispose();
        _open.Clear();
        _locator.Dispose();
    }
}
