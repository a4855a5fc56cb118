using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CommandCenter.Accounting;
using CommandCenter.Accounting.Qbo;
using CommandCenter.Accounting.Xero;
using CommandCenter.IntegrationTests.Simulators;
using CommandCenter.Simulators;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>The QBO and Xero simulators on Kestrel loopback and the targets as <c>AddQboTarget</c> / <c>AddXeroTarget</c> register them.</summary>
internal sealed class CloudAccountingHarness : IAsyncDisposable
{
    private readonly ServiceProvider _client;

    private CloudAccountingHarness(SimulatorServer server, ServiceProvider client)
    {
        Server = server;
        _client = client;
    }

    public SimulatorServer Server { get; }

    /// <summary>Every credential pair handed to SaveCredentials, in order.</summary>
    public ConcurrentQueue<AccountingCredentials> Saved { get; } = new();

    public static async Task<CloudAccountingHarness> StartAsync()
    {
        var server = await SimulatorServer.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQboTarget();
        services.AddXeroTarget();
        return new CloudAccountingHarness(server, services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
    }

    public IServiceProvider Services => _client;

    public async Task<T> WithTargetAsync<T>(AccountingKind kind, Func<IAccountingTarget, Task<T>> call)
    {
        await using var scope = _client.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredKeyedService<IAccountingTarget>(kind));
    }

    /// <summary>The authorization-code flow against the simulator (auto-approved consent), as the app's callback does it.</summary>
    public Task<AccountingCredentials> AuthorizeAsync(AccountingKind kind) => AuthorizeAsync(Server, kind);

    /// <summary>The authorization-code flow against a simulator server (auto-approved consent).</summary>
    public static async Task<AccountingCredentials> AuthorizeAsync(SimulatorServer server, AccountingKind kind)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = server.Client(followRedirects: false);
        const string redirect = "http://127.0.0.1/callback";
        var (authorize, token, clientId, secret, scope) = kind == AccountingKind.Qbo
            ? ("qbo/connect/oauth2", "qbo/oauth2/v1/tokens/bearer", AccountingSimulatorCredentials.QboClientId, AccountingSimulatorCredentials.QboClientSecret, AccountingSimulatorCredentials.QboScope)
            : ("xero/identity/connect/authorize", "xero/identity/connect/token", AccountingSimulatorCredentials.XeroClientId, AccountingSimulatorCredentials.XeroClientSecret, AccountingSimulatorCredentials.XeroScope);
        var url = QueryHelpers.AddQueryString(authorize, new Dictionary<string, string?>
        {
            ["client_id"] = clientId, ["redirect_uri"] = redirect, ["response_type"] = "code", ["scope"] = scope, ["state"] = "s1", ["auto_approve"] = "true",
        });
        using var first = await http.GetAsync(url, ct);
        first.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var approved = await http.GetAsync(first.Headers.Location, ct);
        var callback = QueryHelpers.ParseQuery(approved.Headers.Location!.Query);
        callback["state"].ToString().ShouldBe("s1");

        using var request = new HttpRequestMessage(HttpMethod.Post, token)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = callback["code"]!, ["redirect_uri"] = redirect }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + secret)));
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
        return new AccountingCredentials
        {
            ClientId = clientId,
            ClientSecret = secret,
            AccessToken = body.GetProperty("access_token").GetString(),
            AccessTokenExpiresUtc = TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(body.GetProperty("expires_in").GetInt32()),
            RefreshToken = body.GetProperty("refresh_token").GetString(),
            RealmId = kind == AccountingKind.Qbo ? callback["realmId"].ToString() : null,
            XeroTenantId = kind == AccountingKind.Xero ? AccountingSimulatorCredentials.XeroTenantId : null,
        };
    }

    public AccountingEndpoint Endpoint(AccountingKind kind, AccountingCredentials credentials, int timeoutSeconds = 10, Guid? connectionId = null)
    {
        var root = Server.BaseAddress;
        var (baseUrl, tokenUrl) = kind == AccountingKind.Qbo
            ? (new Uri(root, "qbo"), new Uri(root, "qbo/oauth2/v1/tokens/bearer"))
            : (new Uri(root, "xero/api.xro/2.0"), new Uri(root, "xero/identity/connect/token"));
        return new AccountingEndpoint(Guid.NewGuid(), connectionId ?? Guid.NewGuid(), kind, baseUrl, tokenUrl, credentials, timeoutSeconds, 1,
            (c, _) =>
            {
                Saved.Enqueue(c);
                return Task.CompletedTask;
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
