using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace CommandCenter.Simulators.Infrastructure;

internal static class SimJsonOptions
{
    /// <summary>Vendor field names come from [JsonPropertyName]; nulls are written (Pax8, Huntress and Graph send them).</summary>
    public static readonly JsonSerializerOptions WithNulls = Create(JsonIgnoreCondition.Never);

    /// <summary>NinjaOne leaves out what a device does not have.</summary>
    public static readonly JsonSerializerOptions OmitNulls = Create(JsonIgnoreCondition.WhenWritingNull);

    /// <summary>For request bodies: case-insensitive, as the vendors' own parsers are.</summary>
    public static readonly JsonSerializerOptions Read = new(JsonSerializerDefaults.Web);

    private static JsonSerializerOptions Create(JsonIgnoreCondition ignore)
    {
        // Vendors send apostrophes and ampersands as they are (next_page_url carries '&'), not as \u escapes.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = ignore, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.Converters.Add(new UtcInstantConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Instants as the vendors write them: UTC with a trailing Z, whole seconds.</summary>
    private sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// A JSON response whose body the fault filter can still break (malformed, truncated) or swap for the vendor's empty
/// page (<see cref="EmptyPage"/>) before it is written.
/// </summary>
internal sealed class SimJson(object payload, JsonSerializerOptions? options = null, int statusCode = StatusCodes.Status200OK, object? emptyPage = null) : IResult
{
    public object Payload { get; } = payload;

    public JsonSerializerOptions Options { get; } = options ?? SimJsonOptions.WithNulls;

    public int StatusCode { get; } = statusCode;

    public object? EmptyPage { get; } = emptyPage;

    public Dictionary<string, string> Headers { get; } = [];

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(Payload, Payload.GetType(), Options);

    public SimJson WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public Task ExecuteAsync(HttpContext httpContext) => RawBody.Write(httpContext, StatusCode, "application/json; charset=utf-8", Serialize(), Headers);
}

/// <summary>Bytes as they are, e.g. a body cut in the middle.</summary>
internal sealed class RawBody(int statusCode, string contentType, byte[] body, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext, statusCode, contentType, body, headers);

    public static async Task Write(HttpContext http, int statusCode, string contentType, byte[] body, IReadOnlyDictionary<string, string>? headers)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                http.Response.Headers[name] = value;
            }
        }

        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
