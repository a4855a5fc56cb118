using System.Security.Cryptography;
using CommandCenter.Web.Api;

namespace CommandCenter.Web.Infrastructure;

/// <summary>
/// Security headers on every response: a Content-Security-Policy that Blazor Server and MudBlazor run under, no
/// framing (except the embeddable close, which names its PSA origins), no MIME sniffing, a strict referrer and a closed
/// set of browser features.
/// </summary>
/// <remarks>
/// What the policy allows and why:
/// <list type="bullet">
/// <item><c>script-src 'self' 'nonce-…'</c>: blazor.web.js, MudBlazor.min.js and the page modules are files of the app;
/// the only inline script is the import map Blazor renders (<c>&lt;ImportMap&gt;</c>), which carries the request's nonce.
/// Blazor Server needs neither <c>'unsafe-eval'</c> nor <c>'unsafe-inline'</c> for scripts.</item>
/// <item><c>style-src 'self' 'unsafe-inline'</c>: MudBlazor writes its theme as a <c>&lt;style&gt;</c> element and
/// positions popovers with <c>style</c> attributes.</item>
/// <item><c>connect-src 'self'</c>: the circuit's WebSocket to the same host (CSP Level 3 matches <c>ws:</c>/<c>wss:</c>
/// of the page's own origin with <c>'self'</c>).</item>
/// <item><c>form-action 'self'</c>: every form posts to the app; the OAuth connect is a link, not a form.</item>
/// </list>
/// </remarks>
public static class SecurityHeaders
{
    private const string NonceKey = "cc.csp-nonce";
    private const string FrameAncestorsKey = "cc.frame-ancestors";

    private const string Permissions =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Made before anything renders: a page's first bytes (and so this policy) may leave before the import map renders.
        // API answers render no script, so they get none.
        if (!context.IsApiRequest())
        {
            Nonce(context);
        }

        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    /// <summary>The request's script nonce, for the inline scripts the app renders itself (the import map).</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce)
        {
            return nonce;
        }

        // Hex: valid in a CSP nonce and unchanged by HTML attribute encoding (base64's '+' is not).
        nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    /// <summary>
    /// Lets this response be framed by the app itself and <paramref name="origins"/> (CSP <c>frame-ancestors</c>, no
    /// <c>X-Frame-Options</c>). Only the embeddable close calls it; every other response refuses all framing.
    /// </summary>
    public static void AllowFraming(HttpContext context, IEnumerable<string> origins) =>
        context.Items[FrameAncestorsKey] = string.Join(' ', ["'self'", .. origins]);

    /// <summary>The policy of a response: <paramref name="frameAncestors"/> is <c>'none'</c> unless the route allows framing.</summary>
    public static string ContentSecurityPolicy(string? nonce, string frameAncestors) =>
        "default-src 'self'; "
        + (nonce is null ? "script-src 'self'; " : $"script-src 'self' 'nonce-{nonce}'; ")
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; "
        + "font-src 'self' data:; "
        + "connect-src 'self'; "
        + "object-src 'none'; "
        + "base-uri 'self'; "
        + "form-action 'self'; "
        + $"frame-ancestors {frameAncestors}";

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        var frameAncestors = context.Items[FrameAncestorsKey] as string;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Items[NonceKey] as string, frameAncestors ?? "'none'");
        if (frameAncestors is null)
        {
            headers.XFrameOptions = "DENY";
        }
        else
        {
            headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.XFrameOptions);
        }

        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = Permissions;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
