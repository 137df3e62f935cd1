using Evolve.Merging.Sparsification;

namespace Evolve.Merging.Methods;

/// <summary>task_arithmetic: B + λ·Σ wᵢ(Xᵢ − B); density is accepted and ignored, as in mergekit.</summary>
internal sealed class TaskArithmeticMethod() : GeneralizedTaskArithmetic(
    "task_arithmetic", "Weighted sum of task vectors added to the base.",
    "Ilharco et al., Editing Models with Task Arithmetic, arXiv:2212.04089",
    SparsificationKind.None, consensus: false, normalize: false, rescale: false);
