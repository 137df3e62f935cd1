using Evolve.Checkpoints;
using Evolve.Merging.Lora;
using Evolve.Merging.Recipes;

namespace Evolve.Merging.Planning;

/// <summary>
/// Finds and opens the models a recipe names: local Hugging Face folders, relative paths resolved against the
/// recipe's folder first and the working directory second; <c>model+adapter</c> applies a PEFT adapter
/// (<see cref="LoraFoldedModel"/>), <c>model+adapter1+adapter2…</c> their sum, formed in adapter space. Hub ids are not downloaded: a name that is no local folder is an error.
/// </summary>
internal sealed class ModelLocator(string? recipeFolder) : IDisposable
{
    private readonly Dictionary<ModelReference, HfModelFolder> _folders = [];

    public string Resolve(string path, ModelReference reference)
    {
        if (Path.IsPathRooted(path)) return Exists(path) ? path : throw NotFound(path, reference);
        if (recipeFolder is not null && Exists(Path.Combine(recipeFolder, path))) return Path.GetFullPath(Path.Combine(recipeFolder, path));
        if (Exists(path)) return Path.GetFullPath(path);
        throw NotFound(path, reference);
    }

    /// <summary>The Hugging Face folder of a reference (its base model when it carries adapters).</summary>
    public HfModelFolder Folder(ModelReference reference) =>
        _folders.TryGetValue(reference, out var f) ? f : throw new KeyNotFoundException($"{reference} is not open");

    public ITensorSource Open(ModelReference reference)
    {
        var folder = HfModelFolder.Open(Resolve(reference.Path, reference));
        _folders[reference] = folder;
        if (reference.Lora is null) return new Borrowed(folder.Weights);
        var adapters = reference.Lora.Split('+');
        if (adapters.Length == 1) return LoraFoldedModel.Apply(new Borrowed(folder.Weights), Resolve(adapters[0], reference));
        var sum = FactoredAdapter.WeightedSum(adapters.Select(a => (FactoredAdapter.Load(Resolve(a, reference)), 1.0)).ToArray());
        var applied = new FactoredAdapterSource(new Borrowed(folder.Weights), sum);
        applied.Validate();
        return applied;
    }

    private static bool Exists(string path) => Directory.Exists(path) || File.Exists(path);

    private static RecipeException NotFound(string path, ModelReference reference) =>
        new(reference.ToString(), $"'{path}' is not a local folder or file",
            "Evolve reads local Hugging Face folders (it does not download from the Hub): download the model and give its path");

    public void Dispose()
    {
        foreach (var f in _folders.Values) f.Dispose();
        _folders.Clear();
    }

    /// <summary>The folder owns the weights; the model set must not dispose them twice.</summary>
    private sealed class Borrowed(ITensorSource inner) : ITensorSource
    {
        public string Location => inner.Location;
        public IReadOnlyList<TensorInfo> Tensors => inner.Tensors;
        public bool TryGetInfo(string name, out TensorInfo info) => inner.TryGetInfo(name, out info);
        public ReadOnlySpan<byte> GetBytes(string name) => inner.GetBytes(name);
        public void ReadFloat32(string name, Span<float> destination) => inner.ReadFloat32(name, destination);
        public ReadOnlySpan<byte> GetBytes(string name, long offset, int length) => inner.GetBytes(name, offset, length);
        public void ReleasePages(string name, long offset = 0, long length = long.MaxValue) => inner.ReleasePages(name, offset, length);
        public void Dispose() { }
    }
}
