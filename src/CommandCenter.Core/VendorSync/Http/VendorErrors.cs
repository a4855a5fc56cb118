using System.Net;
using System.Text.Json;

namespace CommandCenter.VendorSync.Http;

/// <summary>Turns a vendor's error body into its own words (Pax8 <c>message</c>, OAuth <c>error_description</c>, Graph <c>error.message</c>, plain text).</summary>
public static class VendorErrors
{
    private const int MaxLength = 300;

    public static string? MessageFrom(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var trimmed = body.Trim();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                if (FromJson(document.RootElement) is { } message)
                {
                    return Shorten(message);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to the text.
            }
        }

        if (trimmed.StartsWith('<'))
        {
            return null; // an HTML error page says nothing useful
        }

        return Shorten(trimmed);
    }

    private static string? FromJson(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray().Select(FromJson).FirstOrDefault(m => m is not null);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // Graph / Conductor: { "error": { "code", "message" } }
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var nested = Text(error, "message") ?? Text(error, "code");
            if (nested is not null)
            {
                return nested;
            }
        }

        // OAuth: { "error": "invalid_client", "error_description": "..." }
        var description = Text(root, "error_description");
        var code = Text(root, "error");
        if (description is not null)
        {
            return code is not null && !description.Contains(code, StringComparison.OrdinalIgnoreCase) ? $"{description} ({code})" : description;
        }

        // NSM: { "status": { "info": [ { "message" } ] } }
        if (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("info", out var info))
        {
            var first = info.ValueKind == JsonValueKind.Array ? info.EnumerateArray().FirstOrDefault() : info;
            if (first.ValueKind == JsonValueKind.Object && Text(first, "message") is { } nsm)
            {
                return nsm;
            }
        }

        return Text(root, "message") ?? Text(root, "detail") ?? Text(root, "title") ?? Text(root, "errors") ?? code;
    }

    private static string? Text(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String when !string.IsNullOrWhiteSpace(property.Value.GetString()) => property.Value.GetString(),
                    JsonValueKind.Array => property.Value.EnumerateArray()
                        .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : FromJson(e))
                        .FirstOrDefault(m => !string.IsNullOrWhiteSpace(m)),
                    _ => null,
                };
            }
        }

        return null;
    }

    private static string Shorten(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= MaxLength ? oneLine : oneLine[..MaxLength] + "…";
    }

    public static string Describe(HttpStatusCode status) =>
        $"{(int)status} {(string.IsNullOrEmpty(status.ToString()) ? "" : SplitWords(status.ToString()))}".TrimEnd();

    private static string SplitWords(string pascal) =>
        int.TryParse(pascal, out _) ? "" : string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString()));
}
