namespace Evolve.Text.PreTokenizers;

/// <summary>When Metaspace adds its replacement character in front of a piece.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}
