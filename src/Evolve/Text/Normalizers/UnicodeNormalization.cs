using System.Globalization;
using System.Text;

namespace Evolve.Text.Normalizers;

/// <summary>
/// NFC, NFD, NFKC and NFKD from tables pinned in UnicodeNormalizationData.txt (see
/// tools/tokenizers/generate-unicode-data.py). string.Normalize cannot serve: in invariant globalization mode it
/// leaves non-ASCII text unchanged, and with ICU its result would depend on the machine's ICU version.
/// </summary>
internal static class UnicodeNormalization
{
    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    private const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    private static readonly Lazy<Tables> Data = new(Tables.Load);

    public static string Normalize(string text, NormalizationForm form)
    {
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', '\u007F'))
            return text;
        var tables = Data.Value;
        var compatibility = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var codePoints = new List<int>(text.Length + 8);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
            Decompose(char.ConvertToUtf32(text, i), compatibility, tables, codePoints);
        SortCombiningMarks(codePoints, tables);
        if (form is NormalizationForm.FormC or NormalizationForm.FormKC)
            Compose(codePoints, tables);
        var builder = new StringBuilder(codePoints.Count);
        foreach (var cp in codePoints)
            builder.Append(char.ConvertFromUtf32(cp));
        return builder.ToString();
    }

    private static void Decompose(int cp, bool compatibility, Tables tables, List<int> output)
    {
        if (cp is >= HangulSBase and < HangulSBase + HangulSCount)
        {
            var index = cp - HangulSBase;
            output.Add(HangulLBase + index / HangulNCount);
            output.Add(HangulVBase + index % HangulNCount / HangulTCount);
            if (index % HangulTCount != 0)
                output.Add(HangulTBase + index % HangulTCount);
            return;
        }
        if (compatibility && tables.Compatibility.TryGetValue(cp, out var mapping) || tables.Canonical.TryGetValue(cp, out mapping))
            output.AddRange(mapping);
        else
            output.Add(cp);
    }

    /// <summary>Canonical ordering: a stable sort of each run of combining marks by combining class.</summary>
    private static void SortCombiningMarks(List<int> cps, Tables tables)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var ccc = tables.CombiningClass(cps[i]);
            if (ccc == 0)
                continue;
            var j = i;
            while (j > 0 && tables.CombiningClass(cps[j - 1]) > ccc)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    /// <summary>Canonical composition: each mark joins the last starter unless a mark of equal or higher class,
    /// or a starter, stands between them.</summary>
    private static void Compose(List<int> cps, Tables tables)
    {
        if (cps.Count == 0)
            return;
        var write = 1;
        var starter = tables.CombiningClass(cps[0]) == 0 ? 0 : -1;
        var lastClass = starter == 0 ? 0 : 256;
        for (var read = 1; read < cps.Count; read++)
        {
            var cp = cps[read];
            var ccc = tables.CombiningClass(cp);
            if (starter >= 0 && (lastClass < ccc || lastClass == 0) && TryCompose(cps[starter], cp, tables, out var composite))
            {
                cps[starter] = composite;
                continue;
            }
            if (ccc == 0)
                starter = write;
            lastClass = ccc;
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static bool TryCompose(int first, int second, Tables tables, out int composite)
    {
        if (first is >= HangulLBase and < HangulLBase + HangulLCount && second is >= HangulVBase and < HangulVBase + HangulVCount)
        {
            composite = HangulSBase + ((first - HangulLBase) * HangulVCount + second - HangulVBase) * HangulTCount;
            return true;
        }
        if (first is >= HangulSBase and < HangulSBase + HangulSCount && (first - HangulSBase) % HangulTCount == 0
            && second is > HangulTBase and < HangulTBase + HangulTCount)
        {
            composite = first + second - HangulTBase;
            return true;
        }
        return tables.Compositions.TryGetValue(((long)first << 32) | (uint)second, out composite);
    }

    private sealed class Tables
    {
        public readonly Dictionary<int, int[]> Canonical = new();
        public readonly Dictionary<int, int[]> Compatibility = new();
        public readonly Dictionary<long, int> Compositions = new();
        private readonly Dictionary<int, byte> _combiningClasses = new();

        public int CombiningClass(int cp) => cp < 0x300 ? 0 : _combiningClasses.GetValueOrDefault(cp);

        public static Tables Load()
        {
            var tables = new Tables();
            using var stream = typeof(Tables).Assembly.GetManifestResourceStream("Evolve.Text.Normalizers.UnicodeNormalizationData.txt")
                ?? throw new InvalidOperationException("the Unicode normalization data is not embedded in the assembly");
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                    continue;
                var fields = line.Split(' ');
                switch (line[0])
                {
                    case 'D':
                        tables.Canonical[Hex(fields[1])] = fields[2..].Select(Hex).ToArray();
                        break;
                    case 'K':
                        tables.Compatibility[Hex(fields[1])] = fields[2..].Select(Hex).ToArray();
                        break;
                    case 'P':
                        tables.Compositions[((long)Hex(fields[1]) << 32) | (uint)Hex(fields[2])] = Hex(fields[3]);
                        break;
                    case 'C':
                        var range = fields[1].Split('-');
                        for (var cp = Hex(range[0]); cp <= Hex(range[1]); cp++)
                            tables._combiningClasses[cp] = byte.Parse(fields[2], CultureInfo.InvariantCulture);
                        break;
                }
            }
            return tables;
        }

        private static int Hex(string s) => int.Parse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
