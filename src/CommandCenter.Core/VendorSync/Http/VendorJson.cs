using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace CommandCenter.VendorSync.Http;

/// <summary>
/// Lenient JSON for vendor payloads: web defaults (camelCase, case-insensitive), unknown members ignored, numbers that
/// arrive as strings accepted, enums as strings. Vendor enums stay open strings in the DTOs.
/// </summary>
public static class VendorJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static RefitSettings RefitSettings() => new() { ContentSerializer = new SystemTextJsonContentSerializer(Options) };

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The body was the JSON literal null.");
}

/// <summary>
/// NinjaOne timestamps: epoch seconds as a JSON number with a fraction (1743400000.5) → UTC <see cref="DateTime"/>.
/// Also tolerates the number as a string, ISO 8601 text and null.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTime?>
{
    public override bool HandleNull => true;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return FromSeconds(reader.GetDecimal());
            case JsonTokenType.String:
                var text = reader.GetString();
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return FromSeconds(seconds);
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return parsed.UtcDateTime;
                }

                throw new JsonException($"'{text}' is not an epoch-seconds timestamp.");
            default:
                throw new JsonException($"Expected an epoch-seconds timestamp, found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue((decimal)(v.ToUniversalTime() - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerSecond);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static DateTime FromSeconds(decimal seconds) =>
        DateTime.UnixEpoch.AddTicks((long)decimal.Round(seconds * TimeSpan.TicksPerSecond));
}
