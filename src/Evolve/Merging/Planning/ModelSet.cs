using Evolve.Checkpoints;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Planning;

/// <summary>The opened models of a recipe, each an <see cref="ITensorSource"/>, with their layer counts.</summary>
internal sealed class ModelSet : IDisposable
{
    private readonly List<ModelReference> _references = [];
    private readonly List<ITensorSource> _sources = [];
    private readonly List<int> _layers = [];
    private readonly bool _owns;

    private ModelSet(bool owns) => _owns = owns;

    /// <summary>Opens every model with <paramref name="open"/>; disposing the set disposes them.</summary>
    public static ModelSet Open(IEnumerable<ModelReference> models, Func<ModelReference, ITensorSource> open)
    {
        var set = new ModelSet(owns: true);
        try
        {
            foreach (var m in models) set.Add(m, open(m));
        }
        catch
        {
            set.Dispose();
            throw;
        }
        return set;
    }

    /// <summary>A set over sources the caller keeps owning (tests, a search holding models open across candidates).</summary>
    public static ModelSet Borrow(IEnumerable<(ModelReference Model, ITensorSource Source)> models)
    {
        var set = new ModelSet(owns: false);
        foreach (var (m, s) in models) set.Add(m, s);
        return set;
    }

    private void Add(ModelReference model, ITensorSource source)
    {
        if (_references.Contains(model)) return;
        _references.Add(model);
        _sources.Add(source);
        _layers.Add(LayerName.CountLayers(source.Tensors.Select(t => t.Name)));
    }

    public IReadOnlyList<ModelReference> Models => _references;

    public int IndexOf(ModelReference model)
    {
        var i = _references.IndexOf(model);
        return i >= 0 ? i : throw new KeyNotFoundException($"model {model} is not open");
    }

    public ITensorSource this[int index] => _sources[index];

    public int LayerCount(int index) => _layers[index];

    public void Dispose()
    {
        if (!_owns) return;
        foreach (var s in _sources) s.Dispose();
        _sources.Clear();
    }
}
