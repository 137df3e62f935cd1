namespace Evolve.Checkpoints;

/// <summary>Name, dtype and shape of one stored tensor.</summary>
public sealed record TensorInfo(string Name, DType DType, long[] Shape)
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
