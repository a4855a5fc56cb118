using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace CommandCenter.VendorSync.Http;

/// <summary>
/// The one resilience handler of every vendor client. Its pipeline is selected per connection
/// (<see cref="ConnectionRuntime.PipelineKey"/>), so the rate limiter and the circuit breaker of one connection are never
/// shared with another tenant's. Order: total timeout → retry (429/5xx/timeouts, Retry-After honoured, GET and token
/// POSTs only) → rate limiter (queues) → circuit breaker (5xx/timeouts, not 429) → attempt timeout.
/// </summary>
public static class VendorResilience
{
    public const string PipelineName = "vendor";
    private const string UnknownConnection = "unknown-connection";

    public static IHttpClientBuilder AddVendorResilience(this IHttpClientBuilder builder)
    {
        builder.AddResilienceHandler(PipelineName, Configure)
            .SelectPipelineBy(_ => request => VendorRequest.TryGetConnection(request)?.PipelineKey ?? UnknownConnection);
        return builder;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var services = context.ServiceProvider;
        var options = services.GetRequiredService<IOptions<VendorHttpOptions>>().Value;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var connection = services.GetRequiredService<VendorConnectionRegistry>().Find(context.InstanceName);
        var limits = connection?.Limits ?? new ConnectionLimits(null, null, VendorConnection.DefaultTimeoutSeconds, VendorConnection.DefaultMaxRetries);
        var kind = connection?.Kind ?? VendorKind.NinjaOne;

        var attemptTimeout = TimeSpan.FromSeconds(Math.Clamp(limits.TimeoutSeconds, 1, 600));
        var maxRetries = Math.Clamp(limits.MaxRetries, 0, 10);
        var requestsPerMinute = limits.RequestsPerMinute ?? VendorHttpOptions.DefaultRequestsPerMinute(kind);

        builder.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "total",
            Timeout = attemptTimeout * (maxRetries + 1) + options.RetryMaxDelay * Math.Min(maxRetries, 2) + TimeSpan.FromSeconds(30),
        });

        if (maxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(
                    IsRetryable(args.Context) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
        }

        if (requestsPerMinute > 0)
        {
            var limiter = new SlidingWindowLogRateLimiter(requestsPerMinute, options.RateLimitWindow, timeProvider);
            context.OnPipelineDisposed(limiter.Dispose);
            builder.AddRateLimiter(limiter);
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitFailureRatio,
            MinimumThroughput = options.CircuitMinimumThroughput,
            SamplingDuration = options.CircuitSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsServerFailure(args.Outcome)),
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = attemptTimeout });
    }

    private static bool IsRetryable(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && VendorRequest.IsRetryable(request);

    /// <summary>5xx, 408 and transport failures or timeouts open the circuit; a 429 is the vendor pacing us, not failing.</summary>
    private static bool IsServerFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result.StatusCode: HttpStatusCode.TooManyRequests } => false,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    internal static bool IsResilienceRejection(Exception exception) =>
        exception is TimeoutRejectedException or BrokenCircuitException or Polly.RateLimiting.RateLimiterRejectedException;
}
