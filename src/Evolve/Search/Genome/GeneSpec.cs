namespace Evolve.Search.Genome;

/// <summary>
/// One gene: a real value in [<see cref="Low"/>, <see cref="High"/>], or, when <see cref="Cardinality"/> is at
/// least 2, a categorical choice 0 … Cardinality−1 (e.g. the merge method index) carried as an integer-valued double.
/// </summary>
internal sealed record GeneSpec(string Name, double Low, double High, int Cardinality = 0)
{
    public bool IsCategorical => Cardinality >= 2;

    /// <summary>The choice of a categorical gene at a unit coordinate: the bin of k equal bins it falls in (clamped into [0, 1]).</summary>
    public int ChoiceAt(double unit) => Math.Min(Cardinality - 1, (int)Math.Floor(Math.Clamp(unit, 0.0, 1.0) * Cardinality));

    public static GeneSpec Real(string name, double low, double high) => new(name, low, high);

    public static GeneSpec Categorical(string name, int cardinality) => new(name, 0, cardinality - 1, cardinality);
}
