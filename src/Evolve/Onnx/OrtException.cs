namespace Evolve.Onnx;

/// <summary>A failure reported by ONNX Runtime that is not the user's input: an internal error, a kernel failure, a misuse by Evolve.</summary>
public sealed class OrtException : Exception
{
    public OrtException(OrtErrorCode code, string operation, string ortMessage)
        : base($"ONNX Runtime {operation} failed ({code}): {ortMessage}")
    {
        Code = code;
        Operation = operation;
        OrtMessage = ortMessage;
    }

    public OrtErrorCode Code { get; }

    /// <summary>The C API function that returned the status.</summary>
    public string Operation { get; }

    /// <summary>ONNX Runtime's message, verbatim.</summary>
    public string OrtMessage { get; }
}
