using Evolve.Errors;

namespace Evolve.Checkpoints;

/// <summary>A checkpoint file or folder that cannot be read as it stands (safetensors, index, config.json).</summary>
public sealed class CheckpointFormatException : EvolveInputException
{
    public CheckpointFormatException(string location, string problem, string? remedy = null, Exception? inner = null)
        : base(location, problem, remedy, inner)
    {
    }
}
