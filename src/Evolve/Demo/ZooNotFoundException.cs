using Evolve.Errors;

namespace Evolve.Demo;

/// <summary>No checkout with the bundled zoo where one was looked for.</summary>
public sealed class ZooNotFoundException(string location)
    : EvolveInputException(location, "no zoo/ folder here", "run from an Evolve checkout or pass --root with the folder that holds zoo/ and proxy-sets/");
