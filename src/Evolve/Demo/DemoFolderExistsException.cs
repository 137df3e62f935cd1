using Evolve.Errors;

namespace Evolve.Demo;

/// <summary>The demo's run folder is already there; a demo never writes into an earlier run.</summary>
public sealed class DemoFolderExistsException(string folder)
    : EvolveInputException(folder, "already exists", "give another --run-id, or remove the folder");
