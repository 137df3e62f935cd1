using Evolve.Onnx;
using Evolve.Proxy.Scoring;
using Evolve.Search.Evaluation;

namespace Evolve.Search.Space;

/// <summary>
/// `evolve score --space`: scoring as a search would, from the space alone: its ONNX graph, its base, its proxy
/// block (search items, or held-out ones), its models unless others are named, and its seed (the DARE masks a
/// recipe is merged with and the bootstrap draws) unless one is given.
/// </summary>
internal static class SpaceScoring
{
    public static ModelScoringRequest Request(string spacePath, IReadOnlyList<string> models, ScoringOptions options, ulong? seed,
        ScoringStrategy strategy, OrtSessionSettings session, bool heldOut)
    {
        var space = SearchSpace.Load(spacePath);
        return new ModelScoringRequest(
            models.Count > 0 ? models : space.Models.Select(m => m.Path).ToArray(),
            space.BaseModel,
            space.Onnx,
            space.Proxy,
            options with { Seed = seed ?? space.Seed },
            strategy,
            session,
            heldOut);
    }
}
