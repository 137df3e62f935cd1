namespace Evolve.Search;

/// <summary>
/// Writes the recipe a genome stands for as canonical text (mergekit YAML: <see cref="Space.RecipeDecoder"/>). Two genomes
/// with the same text are the same candidate: the second is served from the archive, never evaluated.
/// </summary>
internal interface IGenomeDecoder
{
    string RecipeText(double[] genome);
}
