using Evolve.Onnx;

namespace Evolve.Proxy;

/// <summary>
/// A causal LM graph that can also be run step by step: its declared inputs and outputs, and a Run over ORT values
/// so a step's present key/values feed the next step's past inputs without a copy.
/// </summary>
internal interface IIncrementalLm : ICausalLm
{
    IReadOnlyList<OrtTensorDescription> Inputs { get; }

    string LogitsOutput { get; }

    /// <summary>Past input name → the output that carries it forward; empty when the graph has no KV cache.</summary>
    IReadOnlyDictionary<string, string> PresentOf { get; }

    /// <summary>The outputs named, as values ORT allocated (the caller disposes them).</summary>
    OrtTensor[] Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtTensor> inputValues, IReadOnlyList<string> outputNames);
}
