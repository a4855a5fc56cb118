using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>The security headers every response carries, and the one route another site may frame.</summary>
public sealed class SecurityHeadersTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_CarriesAStrictCspWhoseNonceIsOnItsImportMap_AndRefusesFraming()
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var response = await http.GetAsync("/Account/Login", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = Csp.Of(response);
        csp["default-src"].ShouldBe("'self'");
        csp["script-src"].ShouldStartWith("'self' 'nonce-");
        csp["script-src"].ShouldNotContain("unsafe");
        csp["style-src"].ShouldBe("'self' 'unsafe-inline'");
        csp["img-src"].ShouldBe("'self' data:");
        csp["font-src"].ShouldBe("'self' data:");
        csp["connect-src"].ShouldBe("'self'");
        csp["object-src"].ShouldBe("'none'");
        csp["base-uri"].ShouldBe("'self'");
        csp["form-action"].ShouldBe("'self'");
        csp["frame-ancestors"].ShouldBe("'none'");
        var nonce = csp["script-src"].Split("'nonce-")[1].TrimEnd('\'');
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain($"<script type=\"importmap\" nonce=\"{nonce}\">");
        Csp.Of(await http.GetAsync("/Account/Login", Ct))["script-src"].ShouldNotContain(nonce, customMessage: "a nonce is used once");

        Header(response, "X-Frame-Options").ShouldBe("DENY");
        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
        Header(response, "Referrer-Policy").ShouldBe("strict-origin-when-cross-origin");
        Header(response, "Permissions-Policy").ShouldContain("camera=()");
        Header(response, "Permissions-Policy").ShouldContain("geolocation=()");
        Header(response, "Cross-Origin-Opener-Policy").ShouldBe("same-origin");
        // Development runs on plain http://localhost; HSTS is for the TLS deployment only.
        response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
    }

    [Fact]
    public async Task ApiAnswersErrorsAndScripts_CarryTheHeadersToo()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };

        foreach (var response in new[]
                 {
                     await api.GetAsync("/api/v1/clients", Ct),
                     await anonymous.GetAsync("/api/v1/clients", Ct),
                     await anonymous.GetAsync("/_framework/blazor.web.js", Ct),
                     await anonymous.GetAsync("/no-such-page", Ct),
                 })
        {
            Csp.Of(response)["frame-ancestors"].ShouldBe("'none'", response.RequestMessage!.RequestUri!.ToString());
            Header(response, "X-Frame-Options").ShouldBe("DENY");
            Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
        }
    }

    [Fact]
    public async Task EmbedClose_IsFramableByItsConfiguredOriginsOnly_AndKeepsTheRestOfThePolicy()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        (await api.PutAsJsonAsync("/api/v1/psa/embed-settings", new { allowedOrigins = new[] { "https://psa.example.com", "https://acme.halopsa.com" } }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var clients = await api.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct);
        var created = await api.PostAsJsonAsync("/api/v1/tickets", new { clientId = clients.GetProperty("items")[0].GetProperty("id").GetGuid(), subject = "Framed close" }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var ticketId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var link = await (await api.PostAsync($"/api/v1/tickets/{ticketId}/embed-link", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var browser = new HttpClient { BaseAddress = app.BaseAddress };

        var embed = await browser.GetAsync(link.GetProperty("url").GetString(), Ct);

        embed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = Csp.Of(embed);
        csp["frame-ancestors"].ShouldBe("'self' https://psa.example.com https://acme.halopsa.com");
        csp["default-src"].ShouldBe("'self'");
        csp["form-action"].ShouldBe("'self'");
        embed.Headers.Contains("X-Frame-Options").ShouldBeFalse();
        Header(embed, "X-Content-Type-Options").ShouldBe("nosniff");

        // The same origins get no frame of any other page.
        var login = await browser.GetAsync("/Account/Login", Ct);
        Csp.Of(login)["frame-ancestors"].ShouldBe("'none'");
        Header(login, "X-Frame-Options").ShouldBe("DENY");
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new ShouldAssertException($"{response.RequestMessage?.RequestUri} has no {name} header.");
}

/// <summary>A response's Content-Security-Policy, directive → value.</summary>
internal static class Csp
{
    public static Dictionary<string, string> Of(HttpResponseMessage response)
    {
        response.Headers.TryGetValues("Content-Security-Policy", out var values).ShouldBeTrue($"{response.RequestMessage?.RequestUri} has no Content-Security-Policy.");
        return values!.Single().Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");
    }
}
