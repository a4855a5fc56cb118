using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.VendorSync.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace CommandCenter.Accounting.Conductor;

/// <summary>Process-wide knobs of the Conductor client (per-connection settings live on the <see cref="AccountingEndpoint"/>).</summary>
public sealed class ConductorOptions
{
    /// <summary>Items per list page (Conductor's default and maximum is 150); tests shrink it to exercise paging.</summary>
    public int PageSize { get; set; } = 150;

    /// <summary>Retries of a failed GET (5xx, 429, timeouts). Creates are never retried: Conductor has no idempotency.</summary>
    public int ReadRetries { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>The per-request context on <see cref="HttpRequestMessage.Options"/>: handlers live in their own DI scope.</summary>
public static class ConductorRequest
{
    public const string Endpoint = "CommandCenter.Accounting.Conductor.Endpoint";

    internal static readonly HttpRequestOptionsKey<AccountingEndpoint> EndpointKey = new(Endpoint);

    internal static AccountingEndpoint? TryGetEndpoint(HttpRequestMessage request) =>
        request.Options.TryGetValue(EndpointKey, out var endpoint) ? endpoint : null;

    internal static AccountingEndpoint GetEndpoint(HttpRequestMessage request) =>
        TryGetEndpoint(request) ?? throw new InvalidOperationException("A Conductor request carries no AccountingEndpoint.");
}

/// <summary>Conductor JSON: web names, decimal strings read as decimals, nulls left out of requests.</summary>
internal static class ConductorJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static RefitSettings RefitSettings() => new() { ContentSerializer = new SystemTextJsonContentSerializer(Options) };
}

/// <summary>Remembers each endpoint seen, so the resilience pipeline built for its <see cref="AccountingEndpoint.PipelineKey"/> reads its timeout.</summary>
internal sealed class ConductorEndpointRegistry
{
    private readonly ConcurrentDictionary<string, AccountingEndpoint> _endpoints = new(StringComparer.Ordinal);

    public void Remember(AccountingEndpoint endpoint) => _endpoints[endpoint.PipelineKey] = endpoint;

    public AccountingEndpoint? Find(string key) => _endpoints.TryGetValue(key, out var endpoint) ? endpoint : null;
}

/// <summary>Moves the Refit request onto the endpoint's BaseUrl (…/v1 + /quickbooks-desktop/…).</summary>
internal sealed class ConductorRoutingHandler(ConductorEndpointRegistry registry) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = ConductorRequest.GetEndpoint(request);
        registry.Remember(endpoint);
        var uri = request.RequestUri;
        var pathAndQuery = uri is null ? "/" : uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
        request.RequestUri = VendorRoutingHandler.Combine(endpoint.BaseUrl, pathAndQuery);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary><c>Authorization: Bearer sk_…</c> and <c>Conductor-End-User-Id</c> from the endpoint's credentials (never logged).</summary>
internal sealed class ConductorAuthHandler : DelegatingHandler
{
    public const string EndUserHeader = "Conductor-End-User-Id";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var credentials = ConductorRequest.GetEndpoint(request).Credentials;
        if (string.IsNullOrWhiteSpace(credentials.SecretKey) || string.IsNullOrWhiteSpace(credentials.EndUserId))
        {
            throw new AccountingRejectedException("The Conductor connection has no secret key or end-user id; enter both in the accounting settings.");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.SecretKey.Trim());
        request.Headers.Remove(EndUserHeader);
        request.Headers.TryAddWithoutValidation(EndUserHeader, credentials.EndUserId.Trim());
        return base.SendAsync(request, cancellationToken);
    }
}

public static class ConductorHttp
{
    /// <summary>The placeholder base address of the Refit client; every request is routed onto its endpoint's BaseUrl.</summary>
    internal static readonly Uri PlaceholderBaseAddress = new("https://conductor.invalid/");

    private const string UnknownEndpoint = "unknown";

    /// <summary>
    /// Registers <see cref="IAccountingTarget"/> keyed <see cref="AccountingKind.Conductor"/>: a Refit generated client
    /// (routing → auth → one resilience handler per connection: GETs retried, creates never, attempt timeout =
    /// <see cref="AccountingEndpoint.TimeoutSeconds"/>, a circuit breaker).
    /// </summary>
    public static IServiceCollection AddConductorTarget(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ConductorOptions>();
        services.TryAddSingleton<ConductorEndpointRegistry>();
        services.TryAddTransient<ConductorRoutingHandler>();
        services.TryAddTransient<ConductorAuthHandler>();
        services.AddRefitGeneratedClient<IConductorApi>(_ => ConductorJson.RefitSettings())
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = PlaceholderBaseAddress;
                // The resilience pipeline owns the timeout (the endpoint's, per attempt).
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<ConductorRoutingHandler>()
            .AddHttpMessageHandler<ConductorAuthHandler>()
            .AddResilienceHandler("conductor", Configure)
            .SelectPipelineBy(_ => request => ConductorRequest.TryGetEndpoint(request)?.PipelineKey ?? UnknownEndpoint);
        services.AddKeyedScoped<IAccountingTarget, ConductorTarget>(AccountingKind.Conductor);
        return services;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var services = context.ServiceProvider;
        var options = services.GetRequiredService<IOptions<ConductorOptions>>().Value;
        var endpoint = services.GetRequiredService<ConductorEndpointRegistry>().Find(context.InstanceName);
        var attemptTimeout = TimeSpan.FromSeconds(Math.Clamp(endpoint?.TimeoutSeconds ?? 100, 1, 600));

        if (options.ReadRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Clamp(options.ReadRetries, 1, 10),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldRetryAfterHeader = true,
                // Only reads: a create that failed may still have reached QuickBooks (no idempotency key at Conductor).
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage() is { } request
                    && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(60),
            BreakDuration = TimeSpan.FromSeconds(30),
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
                { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                _ => false,
            }),
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = attemptTimeout });
    }
}
