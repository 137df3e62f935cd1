namespace Evolve.Search.Store;

/// <summary>
/// One file a run read, as it was when the run started: its role (model, onnx, proxy, heldout), full path, SHA-256
/// (lower-case hex) and size. <see cref="Owner"/> names the model folder or graph the file belongs to.
/// </summary>
internal sealed record RunInput(string Role, string Owner, string Path, string Sha256, long Bytes);
