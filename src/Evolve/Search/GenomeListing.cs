using System.Globalization;
using System.Text;
using Evolve.Search.Genome;

namespace Evolve.Search;

/// <summary>The recipe text of a search with no merge recipe behind it: one "gene: value" line per gene, round-trip exact.</summary>
internal sealed class GenomeListing(GenomeSpace space) : IGenomeDecoder
{
    public string RecipeText(double[] genome)
    {
        var text = new StringBuilder();
        for (var i = 0; i < space.Count; i++)
            text.Append(space.Genes[i].Name).Append(": ").Append(genome[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }
}
