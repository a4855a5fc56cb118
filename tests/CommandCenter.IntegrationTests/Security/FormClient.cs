using System.Net;
using System.Text.RegularExpressions;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>
/// A browser-like HTTP client for the static server-rendered account pages: keeps cookies, follows no redirects, reads
/// the antiforgery token a page renders and posts its form as the browser would.
/// </summary>
internal sealed partial class FormClient : IDisposable
{
    private readonly HttpClientHandler _handler;

    public FormClient(Uri baseAddress)
    {
        _handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true };
        Http = new HttpClient(_handler) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    public bool SignedIn => Cookies.GetAllCookies().Any(c => c.Name == "cc.auth");

    /// <summary>The antiforgery token of the form <paramref name="path"/> renders (for the current user).</summary>
    public async Task<string> TokenAsync(string path, CancellationToken cancellationToken)
    {
        var html = await Http.GetStringAsync(path, cancellationToken);
        return Token().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"{path} rendered no antiforgery token:\n{html}");
    }

    /// <summary>Posts the sign-in form; <paramref name="withToken"/> false leaves the antiforgery token out.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, CancellationToken cancellationToken, bool withToken = true)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("_handler", "signin"),
            new("Input.Email", email),
            new("Input.Password", password),
        };
        if (withToken)
        {
            fields.Add(new("__RequestVerificationToken", await TokenAsync("/Account/Login", cancellationToken)));
        }

        return await Http.PostAsync("/Account/Login", new FormUrlEncodedContent(fields), cancellationToken);
    }

    /// <summary>The message the sign-in page shows, or null.</summary>
    public static async Task<string?> SignInErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        return SignInError().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value).Trim() : null;
    }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("data-testid=\"signin-error\">([^<]*)<")]
    private static partial Regex SignInError();
}
