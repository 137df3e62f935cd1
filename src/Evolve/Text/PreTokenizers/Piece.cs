namespace Evolve.Text.PreTokenizers;

/// <summary>
/// A stretch of normalized text on its way to the model. <see cref="AtStart"/> says whether it begins the original
/// input: Metaspace's "first" prepend scheme adds its marker only there.
/// </summary>
internal readonly record struct Piece(string Text, bool AtStart);
