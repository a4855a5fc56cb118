using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;

namespace CommandCenter.Audit;

/// <summary>One field of an audit entry as a reader sees it: its label and its value before and after (null = absent).</summary>
public sealed record FieldChange(string Field, string Label, string? Before, string? After);

/// <summary>
/// Turns an entry's before/after JSON into readable field changes: nested objects become dotted fields
/// (<c>client.name</c>), lists are shown comma-separated, numbers without trailing zeros (160.0 and 160.00 are the
/// same), fields equal on both sides are left out. A creation shows
/// every field after, a deletion every field before.
/// </summary>
public static partial class AuditDiff
{
    public static IReadOnlyList<FieldChange> Compare(string? beforeJson, string? afterJson)
    {
        var before = Flatten(beforeJson);
        var after = Flatten(afterJson);
        var changes = new List<FieldChange>();
        var fields = before.Keys.Concat(after.Keys.Where(k => !before.ContainsKey(k)));
        foreach (var field in fields)
        {
            var b = before.GetValueOrDefault(field);
            var a = after.GetValueOrDefault(field);
            if (beforeJson is not null && afterJson is not null && string.Equals(b, a, StringComparison.Ordinal))
            {
                continue;
            }

            changes.Add(new FieldChange(field, Label(field), b, a));
        }

        return changes;
    }

    /// <summary>"unitPriceOverride" → "Unit price override"; "client.name" → "Client › name".</summary>
    public static string Label(string field) => string.Join(" › ", field.Split('.').Select((part, i) => Words(part, capitalise: i == 0)));

    private static string Words(string camel, bool capitalise)
    {
        var words = WordBoundary().Split(camel)
            .Select(w => w.Length > 1 && w.All(char.IsUpper) ? w : w.ToLowerInvariant())
            .ToArray();
        var text = string.Join(' ', words);
        return capitalise && text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text;
    }

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordBoundary();

    private static Dictionary<string, string?> Flatten(string? json)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return fields;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            Walk(doc.RootElement, "", fields);
        }
        catch (JsonException)
        {
            // Not JSON (never written by AuditWriter, but the column is free text): show it whole.
            fields["value"] = json;
        }

        return fields;
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, string?> fields)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", fields);
            }

            return;
        }

        fields[path.Length == 0 ? "value" : path] = Text(element);
    }

    private static string? Text(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Number => element.TryGetDecimal(out var d) ? d.ToString("0.############################", CultureInfo.InvariantCulture) : element.GetRawText(),
        JsonValueKind.Array => element.GetArrayLength() == 0
            ? "(none)"
            : element.EnumerateArray().All(e => e.ValueKind is not JsonValueKind.Object and not JsonValueKind.Array)
                ? string.Join(", ", element.EnumerateArray().Select(Text))
                : element.GetRawText(),
        _ => element.GetRawText(),
    };
}
