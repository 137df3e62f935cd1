using System.Runtime.Intrinsics;
using Evolve.Merging.Sparsification;

namespace Evolve.Tests.Merging;

/// <summary>
/// The 16-lane form of a magnitude rule (a least kept magnitude per block) against the rule's definition, lane by
/// lane: keep magnitudes above the threshold, and those equal to it from the rule's index on, wherever that index
/// falls relative to the block, including the largest threshold, whose plus one must keep nothing.
/// </summary>
public sealed class MagnitudeRuleTests
{
    [Theory]
    [InlineData(1000u)]
    [InlineData(0x7FFF_FFFFu)]
    public void SixteenLanesKeepWhatTheRuleKeepsWhereverItsIndexFalls(uint threshold)
    {
        const int first = 4096;
        // Magnitudes just below, at and above the threshold (clipped below 2³¹), in a pattern that puts every kind in
        // both halves of the block.
        var magnitudes = Enumerable.Range(0, 16).Select(l => (int)Math.Min(threshold + (uint)(l % 3) - 1, int.MaxValue)).ToArray();
        var values = Enumerable.Range(0, 16).Select(l => l % 2 == 0 ? 1.5f + l : -(1.5f + l)).ToArray();
        var indices = Vector512<int>.Indices + Vector512.Create(first);
        for (int equalFrom = first - 1; equalFrom <= first + 17; equalFrom++)
        {
            var rule = new MagnitudeRule(threshold, equalFrom);
            var masked = rule.Broadcast512().Mask(Vector512.Create(values), Vector512.Create(magnitudes), indices, first);
            for (int lane = 0; lane < 16; lane++)
            {
                float expected = rule.Keeps((uint)magnitudes[lane], first + lane) ? values[lane] : 0f;
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(masked[lane]),
                    $"rule from {equalFrom}, lane {lane} (magnitude {magnitudes[lane]:X}): {expected} expected, {masked[lane]} masked");
            }
        }
    }
}
