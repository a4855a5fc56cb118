using System.Globalization;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Refit;

namespace CommandCenter.VendorSync.Http;

/// <summary>
/// Runs one vendor call and turns every failure into a <see cref="VendorSyncException"/> whose message a user can act
/// on: the vendor's own words and status for HTTP errors, "malformed JSON on /v2/devices (page 3)" for a bad body,
/// "did not answer in time" for timeouts. Cancellation by the caller passes through unchanged.
/// </summary>
public static class VendorCall
{
    public static async Task<T> RunAsync<T>(ConnectionRuntime connection, string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (Translate(connection, what, exception, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Parses a raw body the adapter reads itself, with the same error wording.</summary>
    public static T Parse<T>(ConnectionRuntime connection, string what, string body, Func<string, T> parse)
    {
        try
        {
            return parse(body);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw Malformed(connection, what, exception);
        }
    }

    public static VendorSyncException Malformed(ConnectionRuntime connection, string what, Exception? inner = null) =>
        new($"{Name(connection)} returned malformed JSON on {what}{Detail(inner)}", inner);

    internal static string Name(ConnectionRuntime connection) => VendorKinds.DisplayName(connection.Kind) switch
    {
        "SonicWall NSM" => "SonicWall",
        "Microsoft 365 (Graph)" => "Microsoft Graph",
        var name => name,
    };

    private static string Detail(Exception? inner) => inner switch
    {
        JsonException { LineNumber: { } line, BytePositionInLine: { } position } => $" (line {line + 1}, position {position + 1})",
        JsonException json when json.InnerException is not null => Detail(json.InnerException),
        _ => "",
    };

    internal static VendorSyncException? Translate(ConnectionRuntime connection, string what, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var name = Name(connection);
        switch (exception)
        {
            case VendorSyncException:
                return null;
            case ApiException api when FindJson(api) is { } json:
                return Malformed(connection, what, json);
            case ApiException api:
                var vendorMessage = VendorErrors.MessageFrom(api.Content);
                return new VendorSyncException(
                    $"{name} answered {VendorErrors.Describe(api.StatusCode)} on {what}" + (vendorMessage is null ? "" : $": {vendorMessage}"),
                    api)
                { StatusCode = api.StatusCode };
            case JsonException json:
                return Malformed(connection, what, json);
        }

        // Transport-level: Refit wraps what HttpClient threw; unwrap to the cause.
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case VendorSyncException vendor:
                    return vendor;
                case JsonException json:
                    return Malformed(connection, what, json);
                case TimeoutRejectedException timeout:
                    return new VendorSyncException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"{name} did not answer {what} in time (gave up after {timeout.Timeout.TotalSeconds:0.#} s; {connection.Limits.TimeoutSeconds} s per attempt, up to {connection.Limits.MaxRetries} retries)."),
                        exception);
                case BrokenCircuitException:
                    return new VendorSyncException(
                        $"{name} failed repeatedly, so calls are paused for a while (circuit open) — last call was {what}.", exception);
                case RateLimiterRejectedException:
                    return new VendorSyncException($"{name}: the client-side rate limit rejected {what}.", exception);
                case HttpRequestException http:
                    return new VendorSyncException($"{name} could not be reached for {what}: {http.Message}", exception);
            }
        }

        return exception is OperationCanceledException
            ? new VendorSyncException($"{name} did not answer {what} in time.", exception)
            : new VendorSyncException($"{name} call {what} failed: {exception.Message}", exception);
    }

    private static JsonException? FindJson(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json;
            }
        }

        return null;
    }
}
