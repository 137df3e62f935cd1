using Evolve.Merging.Parameters;

namespace Evolve.Search.Space;

/// <summary>
/// The precision at which a gene's value is written into a recipe: 4 significant decimals of the gene's span
/// (decimals = 4 − floor(log10(high − low)), so 4 decimals for a [0, 1] weight, 6 for a [0, 0.01] gene), integers
/// for integer parameters. Why: two genomes whose recipes print alike must merge alike, so the value merged is the
/// rounded one; and a step of 1e-4 of the span changes a weight by less than the resolution of the bf16/fp16
/// tensors being merged (2⁻⁸ / 2⁻¹¹ relative), so candidates closer than that are not worth a second evaluation.
/// An optimizer still sees 10⁴ distinct levels per gene.
/// </summary>
internal static class GenePrecision
{
    public static int Decimals(ParameterRange bounds) =>
        Math.Max(0, 4 - (int)Math.Floor(Math.Log10(bounds.Max - bounds.Min)));

    public static double Round(double value, GeneDeclaration declaration)
    {
        var rounded = declaration.Kind == ParameterKind.Integer
            ? Math.Round(value, MidpointRounding.ToEven)
            : Math.Round(value, Decimals(declaration.Bounds), MidpointRounding.ToEven);
        // Rounding may step just past a bound written with more decimals than the gene's precision.
        // + 0.0 turns a rounded −0 into 0, so the text never reads "-0".
        return Math.Clamp(rounded, declaration.Bounds.Min, declaration.Bounds.Max) + 0.0;
    }
}
