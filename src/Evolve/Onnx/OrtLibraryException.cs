using Evolve.Errors;

namespace Evolve.Onnx;

/// <summary>The ONNX Runtime library cannot be used: missing, not ONNX Runtime, or too old for C API version 30.</summary>
public sealed class OrtLibraryException : EvolveInputException
{
    public OrtLibraryException(string libraryPath, string problem, string remedy)
        : base(libraryPath, problem, remedy)
    {
    }
}
