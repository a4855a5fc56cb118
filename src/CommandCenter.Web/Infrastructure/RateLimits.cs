using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using CommandCenter.Tenancy;
using CommandCenter.Web.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Infrastructure;

/// <summary>Request rates (<c>RateLimiting</c> in configuration).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Sustained API requests per minute per API key (a token bucket refilled continuously).</summary>
    [Range(1, 1_000_000)]
    public int ApiPermitsPerMinute { get; set; } = 3000;

    /// <summary>How many API requests a key may send at once before the sustained rate applies (the bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int ApiBurst { get; set; } = 300;

    /// <summary>Sign-in form posts per minute per client address (the account lockout protects each account).</summary>
    [Range(1, 1_000_000)]
    public int SignInPermitsPerMinute { get; set; } = 30;
}

/// <summary>
/// One limiter in front of everything: each API key has its own token bucket (one key running hot never slows another
/// key), and sign-in posts are counted per client address. A refusal is 429 with Retry-After (problem details on the
/// API). Runs after authorization, which has put the API key's claims on the request; a request whose key is not valid
/// is answered 401 before it counts (keys are 256-bit random, not guessable).
/// </summary>
internal static class RateLimits
{
    public const string SignInPath = "/Account/Login";

    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((options, settings) =>
        {
            var limits = settings.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits));
            options.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitingOptions limits)
    {
        if (context.IsApiRequest())
        {
            var key = context.User.FindFirst(AppClaims.ApiKeyId)?.Value;
            return RateLimitPartition.GetTokenBucketLimiter(key is null ? "api-address:" + Address(context) : "api-key:" + key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.ApiBurst,
                TokensPerPeriod = limits.ApiPermitsPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }

        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase))
        {
            return RateLimitPartition.GetFixedWindowLimiter("sign-in:" + Address(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.SignInPermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }

        return RateLimitPartition.GetNoLimiter("");
    }

    // Behind the deploy/ proxy (ForwardedHeaders:Enabled) this is the client's address, not the proxy's.
    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (context.IsApiRequest())
        {
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"This API key is over its limit of {LimitsOf(context).ApiPermitsPerMinute:N0} requests per minute (bursts of {LimitsOf(context).ApiBurst:N0}). Try again in {seconds} s.",
                },
            });
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"Too many sign-in attempts from this address. Try again in {seconds} seconds.", cancellationToken);
    }

    private static RateLimitingOptions LimitsOf(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
}
