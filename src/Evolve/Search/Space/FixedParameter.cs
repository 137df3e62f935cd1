namespace Evolve.Search.Space;

/// <summary>A parameter the space holds constant (e.g. <c>normalize: false</c>): written into every recipe whose method declares it.</summary>
internal sealed record FixedParameter(string Name, double Value, bool IsBoolean);
