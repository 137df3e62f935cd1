using System.Text.RegularExpressions;

namespace Evolve.Text.PreTokenizers;

/// <summary>
/// Cuts a piece at delimiter matches and regroups the parts by a <see cref="SplitDelimiterBehavior"/>, the way the
/// reference library's NormalizedString.split does: the matches and the gaps between them cover the text, empty
/// results are dropped, and only the first result keeps <see cref="Piece.AtStart"/>.
/// </summary>
internal static class Splitter
{
    private readonly record struct Segment(int Start, int End, bool IsMatch);

    /// <summary>Splits at the matches of <paramref name="regex"/>, which sees each code point as one character.</summary>
    public static void SplitByRegex(Piece piece, Regex regex, SplitDelimiterBehavior behavior, bool invert, List<Piece> output)
    {
        var text = piece.Text;
        if (text.Length == 0)
            return;
        var segments = new List<Segment>();
        var previous = 0;
        // A pattern that spells out characters beyond the BMP must see them as the surrogates it holds.
        var view = regex.ToString().AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') ? CodePointView.Unchanged(text) : CodePointView.Of(text);
        foreach (var match in regex.EnumerateMatches(view.Text))
        {
            var start = view.Original(match.Index);
            var end = view.Original(match.Index + match.Length);
            if (previous != start)
                segments.Add(new Segment(previous, start, invert));
            segments.Add(new Segment(start, end, !invert));
            previous = end;
        }
        if (previous != text.Length)
            segments.Add(new Segment(previous, text.Length, invert));
        Regroup(piece, segments, behavior, output);
    }

    /// <summary>Every character for which <paramref name="isDelimiter"/> holds is one match of its own.</summary>
    public static void SplitByChar(Piece piece, Func<string, int, bool> isDelimiter, SplitDelimiterBehavior behavior, List<Piece> output)
    {
        var text = piece.Text;
        if (text.Length == 0)
            return;
        var segments = new List<Segment>();
        var previous = 0;
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            if (!isDelimiter(text, i))
                continue;
            var end = i + (char.IsSurrogatePair(text, i) ? 2 : 1);
            if (previous != i)
                segments.Add(new Segment(previous, i, false));
            segments.Add(new Segment(i, end, true));
            previous = end;
        }
        if (previous != text.Length)
            segments.Add(new Segment(previous, text.Length, false));
        Regroup(piece, segments, behavior, output);
    }

    private static void Regroup(Piece piece, List<Segment> segments, SplitDelimiterBehavior behavior, List<Piece> output)
    {
        var ranges = new List<(int Start, int End)>(segments.Count);
        switch (behavior)
        {
            case SplitDelimiterBehavior.Removed:
                foreach (var s in segments)
                    if (!s.IsMatch)
                        ranges.Add((s.Start, s.End));
                break;
            case SplitDelimiterBehavior.Isolated:
                foreach (var s in segments)
                    ranges.Add((s.Start, s.End));
                break;
            case SplitDelimiterBehavior.MergedWithPrevious:
            {
                var previousWasMatch = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch && !previousWasMatch && ranges.Count > 0)
                        ranges[^1] = (ranges[^1].Start, s.End);
                    else
                        ranges.Add((s.Start, s.End));
                    previousWasMatch = s.IsMatch;
                }
                break;
            }
            case SplitDelimiterBehavior.MergedWithNext:
            {
                var nextWasMatch = false;
                for (var i = segments.Count - 1; i >= 0; i--)
                {
                    var s = segments[i];
                    if (s.IsMatch && !nextWasMatch && ranges.Count > 0)
                        ranges[^1] = (s.Start, ranges[^1].End);
                    else
                        ranges.Add((s.Start, s.End));
                    nextWasMatch = s.IsMatch;
                }
                ranges.Reverse();
                break;
            }
            case SplitDelimiterBehavior.Contiguous:
            {
                var previousWasMatch = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch == previousWasMatch && ranges.Count > 0)
                        ranges[^1] = (ranges[^1].Start, s.End);
                    else
                        ranges.Add((s.Start, s.End));
                    previousWasMatch = s.IsMatch;
                }
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(behavior), behavior, null);
        }

        var first = true;
        foreach (var (start, end) in ranges)
        {
            if (start == end)
                continue;
            output.Add(new Piece(piece.Text.Substring(start, end - start), piece.AtStart && first && start == 0));
            first = false;
        }
    }
}
