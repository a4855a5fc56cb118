using System.Text;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators.Infrastructure;

/// <summary>The outcome of a vendor's auth check: either a refusal in the vendor's style or who is calling.</summary>
internal readonly record struct AuthOutcome(IResult? Denied, object? Principal)
{
    public static AuthOutcome Deny(IResult result) => new(result, null);

    public static AuthOutcome Allow(object? principal) => new(null, principal);
}

/// <summary>What is shared by the endpoints of one <c>MapVendorSimulators</c> call.</summary>
internal sealed class SimulatorContext(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The absolute base of the simulators for this request, e.g. <c>http://127.0.0.1:5080/sim</c>.</summary>
    public string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";
}

/// <summary>A vendor's auth check and its way of saying "slow down", "broken" and "token expired".</summary>
internal abstract class VendorBehavior
{
    public const string PrincipalKey = "sim.principal";

    /// <summary>A fault the vendor's own endpoints act on (commit-timeout, reject), left in <see cref="HttpContext.Items"/>.</summary>
    public const string FaultKey = "sim.fault";

    public abstract string Name { get; }

    public abstract ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http);

    /// <summary>Answers as for an expired credential, and makes the presented one invalid for good where there is one.</summary>
    public abstract IResult ExpiredToken(HttpContext http, object? principal);

    public abstract IResult TooManyRequests(HttpContext http, int retryAfterSeconds);

    public abstract IResult ServerError(HttpContext http);

    protected static T Service<T>(HttpContext http)
        where T : notnull => http.RequestServices.GetRequiredService<T>();

    protected static SimulatorOptions Options(HttpContext http) => Service<IOptions<SimulatorOptions>>(http).Value;

    protected static string NewRequestId() => Guid.NewGuid().ToString();
}

internal static class VendorEndpointExtensions
{
    /// <summary>Puts the vendor's auth check (unless a token endpoint) and the fault queue in front of the handler.</summary>
    /// <param name="tokenEndpoint">Hands out credentials: no bearer check, and faults reach it only through <c>pathContains</c>.</param>
    /// <param name="authenticate">Check the vendor's auth even on a token endpoint (SonicWall's access code needs the API key).</param>
    public static RouteHandlerBuilder Vendor(this RouteHandlerBuilder builder, VendorBehavior vendor, bool tokenEndpoint = false, bool? authenticate = null) =>
        builder.AddEndpointFilter(new VendorFilter(vendor, tokenEndpoint, authenticate ?? !tokenEndpoint));

    public static T Principal<T>(this HttpContext http)
        where T : class => (T)http.Items[VendorBehavior.PrincipalKey]!;
}

internal sealed class VendorFilter(VendorBehavior vendor, bool tokenEndpoint, bool authenticate) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        object? principal = null;
        if (authenticate)
        {
            var auth = await vendor.AuthenticateAsync(http);
            if (auth.Denied is not null)
            {
                return auth.Denied;
            }

            principal = auth.Principal;
            http.Items[VendorBehavior.PrincipalKey] = principal;
        }

        var world = http.RequestServices.GetRequiredService<SimulatorWorld>();
        var fault = world.Faults.TryTake(vendor.Name, http.Request.Path.Value ?? "", tokenEndpoint);
        switch (fault?.Kind)
        {
            case null:
                return await next(context);
            case FaultKind.TooManyRequests:
                return vendor.TooManyRequests(http, fault.RetryAfterSeconds);
            case FaultKind.ServerError:
                return vendor.ServerError(http);
            case FaultKind.ServiceUnavailable:
                return Results.Text("Service Unavailable", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            case FaultKind.ExpiredToken:
                return vendor.ExpiredToken(http, principal);
            case FaultKind.CommitTimeout or FaultKind.Reject:
                http.Items[VendorBehavior.FaultKey] = fault;
                return await next(context);
            case FaultKind.Timeout:
                var time = http.RequestServices.GetRequiredService<TimeProvider>();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(fault.DelaySeconds), time, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up; nobody reads the answer.
                    return Results.Empty;
                }

                return await next(context);
        }

        return Mangle(await next(context), fault);
    }

    /// <summary>The body faults (malformed, truncated, empty page) applied to a successful JSON answer.</summary>
    internal static object? Mangle(object? result, FaultSpec fault)
    {
        if (result is not SimJson json || json.StatusCode != StatusCodes.Status200OK)
        {
            return result;
        }

        var body = json.Serialize();
        return fault.Kind switch
        {
            FaultKind.Malformed => new RawBody(200, "application/json; charset=utf-8", Malformed(body)),
            FaultKind.Truncated => new RawBody(200, "application/json; charset=utf-8", body[..Math.Max(1, body.Length / 2)]),
            FaultKind.EmptyPage when json.EmptyPage is not null => new SimJson(json.EmptyPage, json.Options),
            _ => result,
        };
    }

    /// <summary>A proxy's half-written error page glued onto the start of the real body: not JSON at all.</summary>
    private static byte[] Malformed(byte[] body)
    {
        var head = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 40));
        return Encoding.UTF8.GetBytes(head + "<html><body>502 Bad Gateway</body></html>\n{\"unterminated\": [1, 2,");
    }
}
