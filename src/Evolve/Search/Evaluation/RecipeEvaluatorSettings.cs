using Evolve.Onnx;
using Evolve.Proxy.Racing;
using Evolve.Proxy.Scoring;
using Evolve.Proxy.Tasks;

namespace Evolve.Search.Evaluation;

/// <summary>What a search's evaluator needs: the base and its ONNX export, the proxy tasks, and how to score.</summary>
internal sealed record RecipeEvaluatorSettings
{
    /// <summary>The base model's Hugging Face folder: the graph is bound to it, and its tokenizer encodes the items.</summary>
    public required string BaseModel { get; init; }

    /// <summary>The base's ONNX export.</summary>
    public required string Onnx { get; init; }

    public required ProxyDeclaration Proxy { get; init; }

    /// <summary>Resolves relative model paths in recipes (the search space's folder); null: the working directory.</summary>
    public string? RecipeFolder { get; init; }

    /// <summary>Seeds merges (DARE masks), racing's item order and bootstrap intervals (it replaces the seeds of <see cref="Scoring"/> and <see cref="Racing"/>).</summary>
    public ulong Seed { get; init; }

    public ScoringOptions Scoring { get; init; } = new();

    public ScoringStrategy Strategy { get; init; } = ScoringStrategy.WeightsAsInputs;

    public OrtSessionSettings Session { get; init; } = OrtSessionSettings.Default;

    /// <summary>Racing against the incumbent (on by default); null scores every candidate on every item.</summary>
    public RaceSettings? Racing { get; init; } = new();

    /// <summary>Retries of a transient failure (see <see cref="TransientFailures"/>), waiting <see cref="RetryDelay"/>, doubled each time.</summary>
    public int MaxRetries { get; init; } = 2;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Threads of the merge executor (default every core).</summary>
    public int MergeThreads { get; init; } = Environment.ProcessorCount;
}
