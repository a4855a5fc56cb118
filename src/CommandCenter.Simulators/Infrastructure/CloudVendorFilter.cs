using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators.Infrastructure;

/// <summary>A cloud accounting vendor (QBO, Xero): the usual answers plus its validation refusal for the <c>reject</c> fault.</summary>
internal abstract class CloudVendorBehavior : VendorBehavior
{
    /// <summary>The vendor's validation error envelope (400); nothing is created.</summary>
    public abstract IResult Reject(HttpContext http);
}

internal static class CloudVendorEndpointExtensions
{
    /// <summary>Auth, <see cref="SimulatorOptions.AccountingLatencyMs"/> and the fault queue in front of a QBO/Xero data endpoint.</summary>
    public static RouteHandlerBuilder CloudVendor(this RouteHandlerBuilder builder, CloudVendorBehavior vendor) =>
        builder.AddEndpointFilter(new CloudVendorFilter(vendor));
}

/// <summary>
/// Like <see cref="VendorFilter"/>, plus the posting faults: <c>reject</c> answers the vendor's validation error without
/// running the handler; <c>commit-timeout</c> runs the handler (the document is created) and then holds the answer
/// for <see cref="FaultSpec.DelaySeconds"/> or until the caller gives up.
/// </summary>
internal sealed class CloudVendorFilter(CloudVendorBehavior vendor) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var auth = await vendor.AuthenticateAsync(http);
        if (auth.Denied is not null)
        {
            return auth.Denied;
        }

        http.Items[VendorBehavior.PrincipalKey] = auth.Principal;
        var services = http.RequestServices;
        var time = services.GetRequiredService<TimeProvider>();
        var latency = services.GetRequiredService<IOptions<SimulatorOptions>>().Value.AccountingLatencyMs;
        if (latency > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(latency), time, http.RequestAborted);
        }

        var world = services.GetRequiredService<SimulatorWorld>();
        var fault = world.Faults.TryTake(vendor.Name, http.Request.Path.Value ?? "", isTokenRequest: false);
        switch (fault?.Kind)
        {
            case FaultKind.TooManyRequests:
                return vendor.TooManyRequests(http, fault.RetryAfterSeconds);
            case FaultKind.ServerError:
                return vendor.ServerError(http);
            case FaultKind.ServiceUnavailable:
                return Results.Text("Service Unavailable", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            case FaultKind.ExpiredToken:
                return vendor.ExpiredToken(http, auth.Principal);
            case FaultKind.Reject:
                return vendor.Reject(http);
            case FaultKind.Timeout:
                if (!await DelayAsync(fault, time, http))
                {
                    return Results.Empty;
                }

                return await next(context);
            case FaultKind.CommitTimeout:
                var committed = await next(context);
                return await DelayAsync(fault, time, http) ? committed : Results.Empty;
            case null:
                return await next(context);
            default:
                return VendorFilter.Mangle(await next(context), fault);
        }
    }

    /// <summary>False when the caller gave up while we waited (nobody reads the answer).</summary>
    private static async Task<bool> DelayAsync(FaultSpec fault, TimeProvider time, HttpContext http)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(fault.DelaySeconds), time, http.RequestAborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
