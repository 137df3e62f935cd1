namespace Evolve.Search.Space;

/// <summary>A model merged by the search: its short name (the folder's name, used in gene names) and its full folder path.</summary>
internal sealed record SpaceModel(string Name, string Path);
