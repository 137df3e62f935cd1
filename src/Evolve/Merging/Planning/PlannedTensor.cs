using Evolve.Checkpoints;
using Evolve.Merging.Parameters;

namespace Evolve.Merging.Planning;

/// <summary>One input of a planned tensor: which model (index into the plan's models) and which of its tensors.</summary>
internal readonly record struct TensorInput(int Model, string Tensor);

/// <summary>
/// One output tensor of a merge: its inputs, its resolved parameters and its key, a hash of everything that decides
/// its value (method, resolved parameters, input tensor identities, seed where the method draws randomness).
/// A tensor whose dtype cannot be merged (integers) is copied from <see cref="Inputs"/>[0].
/// </summary>
internal sealed record PlannedTensor(
    string Name,
    long[] Shape,
    DType OutputDType,
    TensorInput? Base,
    TensorInput[] Inputs,
    MethodParameters Parameters,
    string Key,
    bool CopyOnly)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }
}
