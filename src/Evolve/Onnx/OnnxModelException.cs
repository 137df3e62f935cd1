using Evolve.Errors;

namespace Evolve.Onnx;

/// <summary>
/// An ONNX model that cannot be used: not a valid protobuf, a missing or short external-data file, a graph ONNX
/// Runtime rejects. When ONNX Runtime found the problem, its status code and message are kept.
/// </summary>
public sealed class OnnxModelException : EvolveInputException
{
    public OnnxModelException(string location, string problem, string? remedy = null, OrtErrorCode? ortCode = null, Exception? inner = null)
        : base(location, problem, remedy, inner)
    {
        OrtCode = ortCode;
    }

    /// <summary>ONNX Runtime's status code, when ONNX Runtime reported the problem.</summary>
    public OrtErrorCode? OrtCode { get; }

    /// <summary>
    /// Re-types ORT's failure to load a model as bad input when it is about the model file (unparsable, missing,
    /// invalid graph, missing external data); any other failure stays an internal <see cref="OrtException"/>.
    /// </summary>
    internal static Exception FromSessionCreation(OrtException e, string modelLocation)
    {
        var aboutModel = e.Code is OrtErrorCode.NoSuchFile or OrtErrorCode.NoModel or OrtErrorCode.InvalidProtobuf or OrtErrorCode.InvalidGraph
            || (e.Code == OrtErrorCode.Fail && e.OrtMessage.Contains("External data", StringComparison.OrdinalIgnoreCase));
        return aboutModel
            ? new OnnxModelException(modelLocation, $"ONNX Runtime cannot load the model ({e.Code}): {e.OrtMessage}",
                "Check that the file is a complete ONNX model and that its external-data files sit beside it", e.Code, e)
            : e;
    }
}
