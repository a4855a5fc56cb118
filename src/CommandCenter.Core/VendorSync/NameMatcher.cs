using System.Globalization;
using System.Text;
using FuzzySharp;

namespace CommandCenter.VendorSync;

/// <summary>
/// Suggests the best match for a vendor name among candidates (clients, catalog items). A suggestion only: mappings
/// are confirmed by a person and stored by the vendor's stable id, never by name.
/// </summary>
public sealed class NameMatcher<T>
{
    private static readonly HashSet<string> LegalSuffixes = new(StringComparer.Ordinal)
    {
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "plc", "gmbh", "pty", "sa", "bv", "lp", "llp", "pc", "the",
    };

    private readonly List<(string Normalized, T Value)> _candidates;
    private readonly Dictionary<string, T> _exact = new(StringComparer.Ordinal);

    public NameMatcher(IEnumerable<(string Name, T Value)> candidates)
    {
        _candidates = candidates.Select(c => (Normalize(c.Name), c.Value)).Where(c => c.Item1.Length > 0).ToList();
        foreach (var (normalized, value) in _candidates)
        {
            _exact.TryAdd(normalized, value);
        }
    }

    /// <summary>The best candidate and its score 0–100, or null when nothing reaches <paramref name="minimumScore"/>.</summary>
    public (T Value, int Score)? Best(string name, int minimumScore = 60)
    {
        var normalized = Normalize(name);
        if (normalized.Length == 0)
        {
            return null;
        }

        if (_exact.TryGetValue(normalized, out var exact))
        {
            return (exact, 100);
        }

        (T Value, int Score)? best = null;
        foreach (var (candidate, value) in _candidates)
        {
            var score = Fuzz.TokenSortRatio(normalized, candidate);
            if (score >= minimumScore && (best is null || score > best.Value.Score))
            {
                best = (value, score);
            }
        }

        // Not 100: only an exact (normalized) name is a certain match.
        return best is { Score: 100 } b ? (b.Value, 99) : best;
    }

    /// <summary>Lower case, punctuation and legal suffixes removed: "Contoso, Ltd." and "CONTOSO LIMITED" compare equal.</summary>
    public static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var ch in name.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : ' ');
        }

        var words = builder.ToString().Replace(" and ", " ", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !LegalSuffixes.Contains(w));
        return string.Join(' ', words);
    }
}
