using Evolve.Search.Genome;

namespace Evolve.Tests.Search;

public class GenomeSpaceTests
{
    private static readonly GenomeSpace Space = new([GeneSpec.Real("weight", 0, 2), GeneSpec.Categorical("method", 3)]);

    [Fact]
    public void Real_genes_scale_the_unit_interval_and_categorical_genes_split_it_into_equal_bins()
    {
        Assert.Equal([0.5, 0.0], Space.Decode([0.25, 0.0]));
        Assert.Equal([2.0, 1.0], Space.Decode([1.0, 0.5]));
        Assert.Equal([1.0, 2.0], Space.Decode([0.5, 0.99]));
        Assert.Equal([0.0, 2.0], Space.Decode([0.0, 1.0]));
        Assert.Equal([0.0, 1.0], Space.Decode([0.0, 2 / 3.0 - 1e-12]));
        Assert.Equal([0.75, 5 / 6.0], Space.Encode([1.5, 2.0]));
    }

    [Fact]
    public void Encoding_rejects_values_outside_the_genes()
    {
        Assert.Contains("weight: 2.5 lies outside [0, 2]", Assert.Throws<ArgumentException>(() => Space.Encode([2.5, 0])).Message);
        Assert.Contains("method: 1.5 is not a choice in 0..2", Assert.Throws<ArgumentException>(() => Space.Encode([1, 1.5])).Message);
        Assert.Throws<ArgumentException>(() => new GenomeSpace([GeneSpec.Real("x", 1, 1)]));
        Assert.Throws<ArgumentException>(() => new GenomeSpace([new GeneSpec("m", 0, 0, 1)]));
    }
}
