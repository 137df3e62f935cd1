namespace Evolve.Merging.Parameters;

/// <summary>
/// Parameters several methods share, declared once; a method takes one as is or with its own default
/// (<c>CommonParameters.Normalize(true)</c>), exactly as mergekit's methods give the same name different defaults.
/// </summary>
internal static class CommonParameters
{
    private const string TaskArithmetic = "Ilharco et al., Editing Models with Task Arithmetic, arXiv:2212.04089";
    private const string Ties = "Yadav et al., TIES-Merging, arXiv:2306.01708";
    private const string Dare = "Yu et al., Language Models are Super Mario (DARE), arXiv:2311.03099";
    private const string Breadcrumbs = "Davari & Belilovsky, Model Breadcrumbs, arXiv:2312.06795";
    private const string Della = "Deep et al., DELLA-Merging, arXiv:2406.11617";

    public static ParameterDef Weight { get; } = new(
        "weight", ParameterScope.PerModel, ParameterKind.Number, null, ParameterRange.Unbounded, ParameterRange.UnitInterval,
        "How much this model contributes.", TaskArithmetic);

    public static ParameterDef Density(string reference = Ties) => new(
        "density", ParameterScope.PerModel, ParameterKind.Number, 1.0, ParameterRange.UnitInterval, new(0.1, 1),
        "Fraction of this model's task-vector elements kept by sparsification.", reference);

    public static ParameterDef DensityForDare { get; } = Density(Dare);

    public static ParameterDef Gamma { get; } = new(
        "gamma", ParameterScope.PerModel, ParameterKind.Number, 0.01, ParameterRange.UnitInterval, new(0, 0.1),
        "Fraction of largest-magnitude task-vector elements removed as outliers.", Breadcrumbs);

    public static ParameterDef DellaEpsilon { get; } = new(
        "epsilon", ParameterScope.PerModel, ParameterKind.Number, 0.15, new(0, 0.5), new(0, 0.3),
        "Half-width of the keep-probability band: the smallest magnitude of a row is kept with density-epsilon, the largest with density+epsilon.",
        Della);

    public static ParameterDef Lambda { get; } = new(
        "lambda", ParameterScope.Global, ParameterKind.Number, 1.0, ParameterRange.Unbounded, new(0.5, 1.5),
        "Scale applied to the merged task vector before it is added to the base.", TaskArithmetic);

    public static ParameterDef Normalize(bool @default, string reference = Ties) => ParameterDef.Flag(
        "normalize", @default, "Divide the merged task vector by the sum of the weights that contributed to each element.", reference);

    public static ParameterDef Rescale(bool @default, string reference = Dare) => ParameterDef.Flag(
        "rescale", @default, "After sparsification, scale each task vector so its L1 norm matches the unpruned one.", reference);

    public static ParameterDef Int8Mask { get; } = ParameterDef.Flag(
        "int8_mask", false, "Memory option of mergekit (int8 sign masks); no numeric effect, accepted for compatibility.",
        "mergekit generalized_task_arithmetic");
}
