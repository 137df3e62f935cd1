using Evolve.Errors;

namespace Evolve.Onnx;

/// <summary>An execution provider was asked for that the loaded ONNX Runtime library cannot provide.</summary>
public sealed class ExecutionProviderUnavailableException : EvolveInputException
{
    public ExecutionProviderUnavailableException(string libraryPath, string provider, OrtErrorCode code, string ortMessage, string remedy)
        : base(libraryPath, $"this ONNX Runtime build has no usable {provider} execution provider ({code}: {ortMessage})", remedy)
    {
        Provider = provider;
        OrtCode = code;
        OrtMessage = ortMessage;
    }

    public string Provider { get; }
    public OrtErrorCode OrtCode { get; }
    public string OrtMessage { get; }
}
