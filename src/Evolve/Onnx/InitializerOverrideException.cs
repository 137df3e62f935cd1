using Evolve.Errors;

namespace Evolve.Onnx;

/// <summary>
/// A weight offered to replace a graph initializer does not fit it (unknown name, wrong dtype, wrong shape). ORT would
/// ignore an unknown name and only fail, or silently compute garbage, at Run for a wrong shape, so Evolve checks first.
/// </summary>
public sealed class InitializerOverrideException : EvolveInputException
{
    public InitializerOverrideException(string location, string problem, string? remedy = null)
        : base(location, problem, remedy)
    {
    }
}
