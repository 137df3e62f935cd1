namespace Evolve.Search.Genome;

/// <summary>
/// The genes of a search and the map between a genome (decoded values) and the unit box [0,1]^n in which every
/// optimizer works. A categorical gene with k choices owns the unit interval split into k equal bins, so a GA
/// mutates it by resampling and CMA-ES moves it by rounding a continuous coordinate down to its bin.
/// </summary>
internal sealed class GenomeSpace
{
    public GenomeSpace(IReadOnlyList<GeneSpec> genes)
    {
        if (genes.Count == 0)
            throw new ArgumentException("a genome space needs at least one gene", nameof(genes));
        foreach (var g in genes)
        {
            if (g.Cardinality == 1 || g.Cardinality < 0)
                throw new ArgumentException($"gene {g.Name}: a categorical gene needs at least 2 choices", nameof(genes));
            if (!g.IsCategorical && !(double.IsFinite(g.Low) && double.IsFinite(g.High) && g.Low < g.High))
                throw new ArgumentException($"gene {g.Name}: bounds [{g.Low}, {g.High}] are not a finite interval", nameof(genes));
        }
        Genes = genes;
    }

    public IReadOnlyList<GeneSpec> Genes { get; }

    public int Count => Genes.Count;

    public double[] Decode(ReadOnlySpan<double> unit)
    {
        if (unit.Length != Count)
            throw new ArgumentException($"a unit vector of {unit.Length} values for {Count} genes");
        var genome = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            var g = Genes[i];
            genome[i] = g.IsCategorical ? g.ChoiceAt(unit[i]) : g.Low + Math.Clamp(unit[i], 0.0, 1.0) * (g.High - g.Low);
        }
        return genome;
    }

    /// <summary>The unit coordinates of a genome; a categorical choice maps to the centre of its bin.</summary>
    public double[] Encode(ReadOnlySpan<double> genome)
    {
        if (genome.Length != Count)
            throw new ArgumentException($"a genome of {genome.Length} values for {Count} genes");
        var unit = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            var g = Genes[i];
            var v = genome[i];
            if (g.IsCategorical)
            {
                if (v != Math.Floor(v) || v < 0 || v >= g.Cardinality)
                    throw new ArgumentException($"gene {g.Name}: {v} is not a choice in 0..{g.Cardinality - 1}");
                unit[i] = (v + 0.5) / g.Cardinality;
            }
            else
            {
                if (!(v >= g.Low && v <= g.High))
                    throw new ArgumentException($"gene {g.Name}: {v} lies outside [{g.Low}, {g.High}]");
                unit[i] = (v - g.Low) / (g.High - g.Low);
            }
        }
        return unit;
    }
}
