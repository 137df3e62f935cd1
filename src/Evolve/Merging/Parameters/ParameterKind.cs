namespace Evolve.Merging.Parameters;

/// <summary>The value type of a merge parameter; every value is carried as a double (bool as 0/1).</summary>
internal enum ParameterKind
{
    Number,
    Integer,
    Boolean,
}
