namespace Evolve.Merging.Methods;

/// <summary>How many inputs besides the base a method accepts (for <see cref="BaseModelRole.Input"/>: all inputs).</summary>
internal readonly record struct InputCount(int Min, int Max)
{
    public static InputCount AtLeast(int min) => new(min, int.MaxValue);
    public static InputCount Exactly(int n) => new(n, n);

    public bool Contains(int n) => n >= Min && n <= Max;

    public override string ToString() =>
        Min == Max ? $"exactly {Min}" : Max == int.MaxValue ? $"at least {Min}" : $"{Min} to {Max}";
}
