namespace Evolve.Search.Optimizers;

/// <summary>Boundary handling for the unit box: a coordinate that leaves [0,1] is mirrored back in.</summary>
internal static class Reflection
{
    public static double IntoUnit(double x)
    {
        if (x >= 0 && x <= 1)
            return x;
        if (!double.IsFinite(x))
            return 0.5;
        // Mirror with period 2: ...,[0,1] as is, [1,2] reversed, ...
        var m = x % 2.0;
        if (m < 0)
            m += 2.0;
        return m <= 1 ? m : 2.0 - m;
    }
}
