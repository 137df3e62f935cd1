using Evolve.Merging.Methods;
using Evolve.Proxy.Tasks;
using Evolve.Search.Genome;

namespace Evolve.Search.Space;

/// <summary>
/// A search space read from YAML (<c>search-spaces/*.yaml</c>, format in the README and zoo.yaml): the base and the
/// models to merge, the base's ONNX graph, the proxy block, the run seed, the candidate methods, which parameters
/// are evolved at what granularity and within what bounds, constants, and recipes whose points seed the search.
/// Every path is absolute (resolved against the YAML file's folder). Loading validates everything that can be
/// checked without merging, so a space that loads decodes every genome into a valid recipe.
/// </summary>
internal sealed class SearchSpace
{
    internal SearchSpace(
        string file, string baseModel, IReadOnlyList<SpaceModel> models, string onnx, ProxyDeclaration proxy, ulong seed,
        string? dtype, IReadOnlyList<IMergeMethod> methods, IReadOnlyList<GeneDeclaration> declarations,
        IReadOnlyList<FixedParameter> fixedParameters, IReadOnlyList<string> seedRecipes, TensorLayout tensors)
    {
        File = file;
        BaseModel = baseModel;
        Models = models;
        Onnx = onnx;
        Proxy = proxy;
        Seed = seed;
        DType = dtype;
        Methods = methods;
        Declarations = declarations;
        Fixed = fixedParameters;
        SeedRecipes = seedRecipes;
        Tensors = tensors;
        Layout = GenomeLayout.Build(methods, declarations, models, tensors);
    }

    /// <summary>The YAML file the space was read from.</summary>
    public string File { get; }

    /// <summary>The base model folder: the graph's weights, the task vectors' origin, the tokenizer.</summary>
    public string BaseModel { get; }

    public IReadOnlyList<SpaceModel> Models { get; }

    /// <summary>The base's ONNX export every candidate is scored through.</summary>
    public string Onnx { get; }

    public ProxyDeclaration Proxy { get; }

    /// <summary>The run seed (optimizer draws, DARE masks, bootstrap intervals).</summary>
    public ulong Seed { get; }

    /// <summary>mergekit <c>dtype</c> written into every decoded recipe; null keeps each tensor's stored dtype.</summary>
    public string? DType { get; }

    /// <summary>The candidate merge methods, in the order of the method gene's choices.</summary>
    public IReadOnlyList<IMergeMethod> Methods { get; }

    public IReadOnlyList<GeneDeclaration> Declarations { get; }

    public IReadOnlyList<FixedParameter> Fixed { get; }

    /// <summary>Recipe files whose points join the initial population (<see cref="SeedGenomes"/>).</summary>
    public IReadOnlyList<string> SeedRecipes { get; }

    /// <summary>
    /// This space with more seed recipes after those of its <c>seeds:</c> (absolute paths), e.g. a sweep's chosen
    /// recipe given on the command line; each must be a file.
    /// </summary>
    public SearchSpace WithSeedRecipes(IReadOnlyList<string> recipes)
    {
        if (recipes.Count == 0) return this;
        foreach (var recipe in recipes)
            if (!System.IO.File.Exists(recipe))
                throw new SearchSpaceException(recipe, "no such seed recipe", "give a mergekit recipe file, e.g. the sweep-best.yaml an `evolve sweep` wrote");
        return new SearchSpace(File, BaseModel, Models, Onnx, Proxy, Seed, DType, Methods, Declarations, Fixed, [.. SeedRecipes, .. recipes], Tensors);
    }

    /// <summary>The base's tensors as genes govern them.</summary>
    public TensorLayout Tensors { get; }

    /// <summary>Where every gene sits and what it controls.</summary>
    public GenomeLayout Layout { get; }

    /// <summary>The genes, for the optimizers (the method gene first when there are several methods).</summary>
    public GenomeSpace Genome => Layout.Genome;

    public static SearchSpace Load(string path) => SearchSpaceReader.Load(path);
}
