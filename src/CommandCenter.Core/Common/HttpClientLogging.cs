using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Common;

/// <summary>
/// Outgoing HTTP calls are logged without their credentials. IHttpClientFactory's own loggers print header values as
/// "*", but hand the raw values (Authorization, the Conductor end-user id, …) to every logging provider in the entry's
/// structured state — a JSON console, OpenTelemetry or Seq sink would store the secret. They are replaced on every
/// client by <see cref="RedactedHttpClientLogger"/>: method, address without query or user info, status and duration.
/// </summary>
public static class HttpClientLogging
{
    public static IServiceCollection AddRedactedHttpClientLogging(this IServiceCollection services)
    {
        services.AddSingleton<RedactedHttpClientLogger>();
        services.ConfigureHttpClientDefaults(client => client.RemoveAllLoggers().AddLogger<RedactedHttpClientLogger>(wrapHandlersPipeline: false));
        return services;
    }

    /// <summary>Scheme, host, port and path: a query string can hold a key, user info a password.</summary>
    public static string SafeAddress(Uri? uri) =>
        uri is null ? "" : uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : uri.OriginalString.Split('?')[0];
}

/// <summary>Logs an outgoing request's method, safe address, status and duration — never a header or a body.</summary>
public sealed class RedactedHttpClientLogger(ILogger<RedactedHttpClientLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("HTTP {Method} {Address} sending", request.Method.Method, HttpClientLogging.SafeAddress(request.RequestUri));
        }

        return null;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("HTTP {Method} {Address} answered {StatusCode} in {ElapsedMs:0} ms",
                request.Method.Method, HttpClientLogging.SafeAddress(request.RequestUri), (int)response.StatusCode, elapsed.TotalMilliseconds);
        }
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        // The caller decides how bad a failure is (and logs it); here only what happened on the wire.
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("HTTP {Method} {Address} failed after {ElapsedMs:0} ms: {Error}",
                request.Method.Method, HttpClientLogging.SafeAddress(request.RequestUri), elapsed.TotalMilliseconds, exception.GetType().Name);
        }
    }
}
