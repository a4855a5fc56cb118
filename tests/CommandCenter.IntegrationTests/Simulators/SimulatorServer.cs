using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.IntegrationTests.Simulators;

/// <summary>
/// The simulators on real Kestrel (loopback, a free port) in this process, as the Web app hosts them, with helpers
/// that sign in to each vendor the way its client would.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        World = app.Services.GetRequiredService<SimulatorWorld>();
    }

    /// <summary>The simulators' root, e.g. <c>http://127.0.0.1:41234/sim/</c>.</summary>
    public Uri BaseAddress { get; }

    public SimulatorWorld World { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<SimulatorServer> StartAsync(Action<SimulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddVendorSimulators(o =>
        {
            o.HuntressRequestsPerMinute = 0;
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapVendorSimulators();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorServer(app, new Uri(address.TrimEnd('/') + "/sim/"));
    }

    public HttpClient Client(bool followRedirects = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = BaseAddress };

    public async Task<string> NinjaOneTokenAsync(HttpClient http)
    {
        using var response = await http.PostAsync("ninjaone/ws/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SimulatorCredentials.NinjaOneClientId,
            ["client_secret"] = SimulatorCredentials.NinjaOneClientSecret,
            ["scope"] = "monitoring",
        }), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("access_token").GetString()!;
    }

    public async Task<string> Pax8TokenAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("pax8/v1/token", new Dictionary<string, string>
        {
            ["client_id"] = SimulatorCredentials.Pax8ClientId,
            ["client_secret"] = SimulatorCredentials.Pax8ClientSecret,
            ["audience"] = SimulatorCredentials.Pax8Audience,
            ["grant_type"] = "client_credentials",
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("access_token").GetString()!;
    }

    public static AuthenticationHeaderValue HuntressAuth(string key = SimulatorCredentials.HuntressApiKey, string secret = SimulatorCredentials.HuntressApiSecret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":" + secret)));

    public static Task<HttpResponseMessage> GraphTokenResponseAsync(HttpClient http, string tenantId, string secret = SimulatorCredentials.GraphClientSecret) =>
        http.PostAsync($"graph/login/{tenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SimulatorCredentials.GraphClientId,
            ["client_secret"] = secret,
            ["scope"] = SimulatorCredentials.GraphScope,
        }), TestContext.Current.CancellationToken);

    public static async Task<string> GraphTokenAsync(HttpClient http, string tenantId)
    {
        using var response = await GraphTokenResponseAsync(http, tenantId);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("access_token").GetString()!;
    }

    /// <summary>SonicWall's three steps: the tenant list, an access code for the tenant, the NSM single sign-on.</summary>
    public async Task<string> NsmTokenAsync(HttpClient http, string tenantId)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = World.SonicWall.Tenants.Single(t => t.TenantId == tenantId);
        using var codeRequest = new HttpRequestMessage(HttpMethod.Post, "sonicwall/msw/api/generate-cscaccesscode")
        {
            Content = JsonContent.Create(new { tenantId, tileName = "ISNSMSAFEENABLED" }),
        };
        codeRequest.Headers.Add("X-API-KEY", SimulatorCredentials.SonicWallMswApiKey);
        using var codeResponse = await http.SendAsync(codeRequest, ct);
        codeResponse.EnsureSuccessStatusCode();
        var code = (await codeResponse.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("content").GetProperty("accessCode").GetString();

        using var sso = await http.PostAsJsonAsync("sonicwall/nsm/api/manager/auth/sso", new { tenantSerial = tenant.TenantSerial, code }, ct);
        sso.EnsureSuccessStatusCode();
        return (await sso.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetProperty("info")[0].GetProperty("message").GetString()!;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient http, string url, string? bearer = null, AuthenticationHeaderValue? auth = null)
    {
        using var response = await SendAsync(http, url, bearer, auth);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient http, string url, string? bearer = null, AuthenticationHeaderValue? auth = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = auth ?? (bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer));
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>One demo-world server per test class (xUnit class fixture).</summary>
public sealed class DemoSimulatorFixture : IAsyncLifetime
{
    public SimulatorServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await SimulatorServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
