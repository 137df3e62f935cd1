using Evolve.Errors;

namespace Evolve.Onnx;

/// <summary>A checkpoint that does not fit the graph's weight binding (missing tensor, other shape).</summary>
public sealed class WeightBindingException : EvolveInputException
{
    public WeightBindingException(string location, string problem, string? remedy = null)
        : base(location, problem, remedy)
    {
    }
}
