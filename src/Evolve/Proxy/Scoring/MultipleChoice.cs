namespace Evolve.Proxy.Scoring;

/// <summary>lm-eval's multiple-choice decision: the choice with the highest summed log-likelihood (acc), or with the
/// highest sum divided by the choice's length in characters (acc_norm); ties go to the first.</summary>
internal static class MultipleChoice
{
    /// <param name="choicesForNormalization">The choice texts for acc_norm; null for acc.</param>
    public static int Pick(ReadOnlySpan<double> logLikelihoodSums, IReadOnlyList<string>? choicesForNormalization)
    {
        var best = 0;
        var bestValue = double.NegativeInfinity;
        for (var c = 0; c < logLikelihoodSums.Length; c++)
        {
            var value = choicesForNormalization is null ? logLikelihoodSums[c] : logLikelihoodSums[c] / choicesForNormalization[c].Length;
            if (value > bestValue)
                (best, bestValue) = (c, value);
        }
        return best;
    }
}
