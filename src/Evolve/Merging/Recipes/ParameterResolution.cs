namespace Evolve.Merging.Recipes;

/// <summary>
/// Turns a recipe setting into one number for one tensor, as mergekit's evaluate_setting does: scalars as is,
/// gradients interpolated piecewise-linearly at t over evenly spaced anchors, lists of non-numbers picked at
/// floor(t·(k−1)), filter lists by their first matching clause (null when none matches, so the lookup falls
/// through to the next level).
/// </summary>
internal static class ParameterResolution
{
    public static double? Evaluate(ParameterSetting setting, string tensorName, double t) => setting switch
    {
        NumberSetting n => n.Value,
        BoolSetting b => b.Value ? 1 : 0,
        GradientSetting g => Interpolate(g.Anchors, t),
        ChoiceSetting c => Evaluate(c.Items[Math.Min(c.Items.Count - 1, (int)Math.Floor(t * (c.Items.Count - 1)))], tensorName, t),
        FilteredSetting f => f.Clauses.FirstOrDefault(c => c.Matches(tensorName)) is { } clause ? Evaluate(clause.Value, tensorName, t) : null,
        TextSetting => null,
        _ => throw new ArgumentOutOfRangeException(nameof(setting)),
    };

    /// <summary>s = t·(k−1), i0 = floor(s), i1 = min(k−1, i0+1), value = (1−f)·a[i0] + f·a[i1] with f = s − i0.</summary>
    public static double Interpolate(IReadOnlyList<double> anchors, double t)
    {
        int k = anchors.Count;
        if (k == 1) return anchors[0];
        double s = t * (k - 1);
        int i0 = Math.Clamp((int)Math.Floor(s), 0, k - 1);
        int i1 = Math.Min(k - 1, i0 + 1);
        double f = s - i0;
        return (1 - f) * anchors[i0] + f * anchors[i1];
    }

    /// <summary>Position of output layer <paramref name="index"/> in a slice of <paramref name="count"/> layers: i/(n−1), 1 for a single layer.</summary>
    public static double LayerPosition(int index, int count) => count <= 1 ? 1 : index / (double)(count - 1);
}
