using Evolve.Errors;

namespace Evolve.Merging.Lora;

/// <summary>A PEFT adapter folder Evolve cannot apply.</summary>
internal sealed class LoraException(string location, string problem, string? remedy = null, Exception? inner = null)
    : EvolveInputException(location, problem, remedy, inner);
