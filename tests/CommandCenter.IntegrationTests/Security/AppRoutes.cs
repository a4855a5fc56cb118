using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CommandCenter.IntegrationTests.Support;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>What a route is, for the isolation and role suites.</summary>
public enum RouteKind
{
    /// <summary>REST API under /api/v1, called with an API key.</summary>
    Api,

    /// <summary>A Razor component page, fetched signed in (its server-rendered first response).</summary>
    Page,

    /// <summary>Any other HTTP endpoint of the app (downloads, OAuth, embed, sign-out, health), called signed in.</summary>
    Http,
}

/// <summary>One route and method the app serves.</summary>
public sealed record AppRoute(RouteKind Kind, string Method, string Pattern, IReadOnlyList<string> Parameters, string? Accepts = null)
{
    public string Key => $"{Method} {Pattern}";

    public override string ToString() => Key;
}

/// <summary>
/// Every route of the running app, read from its <see cref="EndpointDataSource"/> — not listed by hand, so a new
/// endpoint is probed (and must be given a policy) the moment it is mapped.
/// </summary>
public static partial class AppRoutes
{
    /// <summary>
    /// Endpoints that carry no tenant data and so are outside both suites, each with the reason. Anything else the app
    /// maps is probed.
    /// </summary>
    public static readonly IReadOnlyList<(string Prefix, string Why)> OutOfScope =
    [
        ("/sim", "the vendor and accounting simulators of demo mode: the fake vendors' own data and credentials, never mapped outside demo mode"),
        ("/_blazor", "the Blazor circuit transport: a circuit runs as the signed-in user, and the pages it renders are probed as pages"),
        ("/_framework/", "Blazor's framework plumbing (opaque redirect), no data"),
    ];

    public static IReadOnlyList<AppRoute> Enumerate(AppFactory app)
    {
        var routes = new List<AppRoute>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = Normalize(endpoint.RoutePattern);
            if (IsStaticFile(endpoint) || OutOfScope.Any(o => pattern == o.Prefix || pattern.StartsWith(o.Prefix + "/", StringComparison.Ordinal) || (o.Prefix.EndsWith('/') && pattern.StartsWith(o.Prefix, StringComparison.Ordinal))))
            {
                continue;
            }

            var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            {
                // A page's POST is its own form post (antiforgery-protected, the same render); its GET is what reaches data.
                routes.Add(new AppRoute(RouteKind.Page, "GET", pattern, parameters));
                continue;
            }

            var kind = pattern.StartsWith("/api/v1/", StringComparison.Ordinal) ? RouteKind.Api : RouteKind.Http;
            var accepts = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.FirstOrDefault();
            routes.AddRange(methods.Where(m => m != "HEAD").Select(m => new AppRoute(kind, m, pattern, parameters, accepts)));
        }

        return routes.DistinctBy(r => r.Key).OrderBy(r => r.Kind).ThenBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method).ToList();
    }

    /// <summary>The route's path with each parameter replaced by <paramref name="value"/>(name) (constraints dropped).</summary>
    public static string Fill(AppRoute route, Func<string, string> value) =>
        ParameterPattern().Replace(route.Pattern, m => Uri.EscapeDataString(value(m.Groups["name"].Value)));

    private static string Normalize(RoutePattern pattern)
    {
        var text = "/" + (pattern.RawText ?? "").TrimStart('/');
        return text.Length > 1 ? text.TrimEnd('/') : text;
    }

    // MapStaticAssets maps one endpoint per file (and a {**path:file} fallback); files carry no tenant data.
    private static bool IsStaticFile(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name is "StaticAssetDescriptor")
        || endpoint.RoutePattern.RawText == "{**path:file}";

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[^}]*)?\}")]
    private static partial Regex ParameterPattern();
}

/// <summary>A signed-in browser-less session: the sign-in form posted over HTTP, the auth cookie kept.</summary>
public static partial class CookieSession
{
    public static async Task<HttpClient> SignInAsync(AppFactory app, string email, string password, CancellationToken cancellationToken)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        var form = await client.GetStringAsync("/Account/Login", cancellationToken);
        var token = AntiforgeryToken().Match(form);
        token.Success.ShouldBeTrue("the sign-in form carries an antiforgery token");
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }), cancellationToken);
        handler.CookieContainer.GetCookies(app.BaseAddress).Any(c => c.Name == "cc.auth")
            .ShouldBeTrue($"signing in as {email} set the auth cookie (status {(int)response.StatusCode})");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

/// <summary>Sends one probe: the route's method with a body that fits it.</summary>
public static class Probe
{
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string method, string path, HttpContent? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body };
        using var response = await client.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");
}
