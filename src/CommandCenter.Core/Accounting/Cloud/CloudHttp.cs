using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.VendorSync.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;
using Refit;

namespace CommandCenter.Accounting.Cloud;

/// <summary>The per-request context of a cloud accounting call: the <see cref="AccountingEndpoint"/> travels on the request (Refit <c>[Property]</c>).</summary>
public static class CloudRequest
{
    public const string Endpoint = "CommandCenter.Accounting.Endpoint";

    internal static readonly HttpRequestOptionsKey<AccountingEndpoint> EndpointKey = new(Endpoint);

    public static AccountingEndpoint GetEndpoint(HttpRequestMessage request) =>
        request.Options.TryGetValue(EndpointKey, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException("An accounting request carries no AccountingEndpoint: pass it as [Property(CloudRequest.Endpoint)].");
}

/// <summary>Moves a Refit request (built against a placeholder) onto the endpoint's BaseUrl.</summary>
internal sealed class CloudRoutingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = CloudRequest.GetEndpoint(request);
        var uri = request.RequestUri;
        var pathAndQuery = uri is null ? "/" : uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
        request.RequestUri = VendorRoutingHandler.Combine(endpoint.BaseUrl, pathAndQuery);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>JSON of QBO and Xero: PascalCase names as declared, case-insensitive reads, nulls left out on writes.</summary>
public static class CloudJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static RefitSettings RefitSettings() => new() { ContentSerializer = new SystemTextJsonContentSerializer(Options) };
}

/// <summary>
/// Registration shared by the QBO and Xero clients: routing → OAuth handler → resilience. The resilience pipeline is
/// chosen by the endpoint's timeout: an attempt timeout of <see cref="AccountingEndpoint.TimeoutSeconds"/>, and
/// retries (transient failures, Retry-After honoured) for GETs only — a create is never sent twice by the pipeline.
/// </summary>
public static class CloudHttp
{
    public const string TokenClientName = "CommandCenter.Accounting.OAuth";
    internal static readonly Uri PlaceholderBaseAddress = new("https://accounting.invalid/");

    public static IServiceCollection AddCloudAccountingHttp(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OAuthTokens>();
        services.TryAddTransient<CloudRoutingHandler>();
        if (!services.Any(d => d.ServiceType == typeof(CloudHttpMarker)))
        {
            services.AddSingleton<CloudHttpMarker>();
            services.AddHttpClient(TokenClientName, c => c.Timeout = TimeSpan.FromSeconds(60));
        }

        return services;
    }

    internal static IHttpClientBuilder AddCloudClient<TApi, TAuth>(this IServiceCollection services)
        where TApi : class
        where TAuth : DelegatingHandler
    {
        var builder = services.AddRefitGeneratedClient<TApi>(_ => CloudJson.RefitSettings())
            .ConfigureHttpClient(c =>
            {
                c.BaseAddress = PlaceholderBaseAddress;
                c.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's attempt timeout rules
            })
            .AddHttpMessageHandler<CloudRoutingHandler>()
            .AddHttpMessageHandler<TAuth>();
        builder.AddResilienceHandler("accounting-cloud", Configure)
            .SelectPipelineBy(_ => request => (request.Options.TryGetValue(CloudRequest.EndpointKey, out var endpoint)
                ? endpoint.TimeoutSeconds
                : AccountingConnection.DefaultTimeoutSeconds).ToString(CultureInfo.InvariantCulture));
        return builder;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var seconds = int.TryParse(context.InstanceName, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 1, 600) : AccountingConnection.DefaultTimeoutSeconds;
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(30),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                args.Context.GetRequestMessage()?.Method == HttpMethod.Get && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = TimeSpan.FromSeconds(seconds) });
    }

    private sealed class CloudHttpMarker;

    /// <summary>
    /// Turns a failed call into the contract's exceptions: a 400/403 answer to a create → <see cref="AccountingRejectedException"/>
    /// (nothing created) with the target's message; a 401 → <see cref="AccountingAuthorizationException"/>; anything
    /// else (5xx, 429, timeouts, transport) → <see cref="AccountingException"/>, which a caller of PostAsync treats as uncertain.
    /// Cancellation by the caller passes through.
    /// </summary>
    internal static Exception? Translate(string target, string what, Exception exception, bool creating, Func<string?, (string? Message, string? Code)> parseError, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        switch (exception)
        {
            case AccountingException:
                return null;
            case ApiException api:
                var (message, code) = parseError(api.Content);
                var text = $"{target} answered {VendorErrors.Describe(api.StatusCode)} on {what}" + (message is null ? "" : $": {message}");
                return api.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => new AccountingAuthorizationException($"{target} refused the authorization; connect {target} again. ({text})", api) { StatusCode = 401, Code = code },
                    HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity when creating =>
                        new AccountingRejectedException(message is null ? text : $"{target} refused {what}: {message}", api) { StatusCode = (int)api.StatusCode, Code = code },
                    _ => new AccountingException(text, api) { StatusCode = (int)api.StatusCode, Code = code },
                };
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AccountingException accounting:
                    return accounting;
                case TimeoutRejectedException timeout:
                    return new AccountingException(string.Create(CultureInfo.InvariantCulture,
                        $"{target} did not answer {what} within {timeout.Timeout.TotalSeconds:0.#} s; the outcome is unknown until it is read back."), exception);
                case JsonException json:
                    return new AccountingException($"{target} returned malformed JSON on {what}: {json.Message}", exception);
                case HttpRequestException http:
                    return new AccountingException($"{target} could not be reached for {what}: {http.Message}", exception);
            }
        }

        return exception is OperationCanceledException
            ? new AccountingException($"{target} did not answer {what} in time; the outcome is unknown until it is read back.", exception)
            : new AccountingException($"{target} call {what} failed: {exception.Message}", exception);
    }
}
