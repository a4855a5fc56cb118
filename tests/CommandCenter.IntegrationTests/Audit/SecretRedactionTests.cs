using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Simulators;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Audit;

/// <summary>
/// Secrets never reach a log or an API answer. The real app runs with every log category at Trace (HttpClient's
/// request/header logging, Polly, EF Core commands — sensitive data logging off, as shipped) into a capturing
/// provider, while the flows that handle secrets run for real against the simulators: vendor connections with client
/// secrets and API secrets, their syncs (OAuth token answers included), the Conductor secret key, the QuickBooks
/// Online OAuth connect (authorization code → access and refresh tokens), and a new API key. Every credential the
/// simulators received (Authorization, X-Api-Key) and every token they handed out is collected on the wire, then
/// looked for in every captured message, structured value, scope and exception.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecretRedactionTests(SecretRedactionTests.LoggingAppFactory app) : IClassFixture<SecretRedactionTests.LoggingAppFactory>
{
    private const string NinjaSecret = SimulatorCredentials.NinjaOneClientSecret;
    private const string HuntressSecret = SimulatorCredentials.HuntressApiSecret;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecretFlows_AtTraceLevel_NoSecretTokenOrKeyInAnyLogOrApiAnswer()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        await WaitForStartupImportAsync(http);
        var address = app.BaseAddress.ToString().TrimEnd('/');

        // Vendor connections with a client secret (OAuth client credentials) and an API secret (Basic), synced for real.
        var ninjaUrls = DemoVendors.Urls(VendorKind.NinjaOne, address);
        var huntressUrls = DemoVendors.Urls(VendorKind.Huntress, address);
        var ninja = await CreatedIdAsync(http.PostAsJsonAsync("/api/v1/vendor-connections", new
        {
            kind = "ninjaone", name = "Ninja (redaction)", baseUrl = ninjaUrls.BaseUrl, tokenUrl = ninjaUrls.TokenUrl, enabled = false,
            credentials = new { clientId = SimulatorCredentials.NinjaOneClientId, clientSecret = NinjaSecret },
        }, Ct));
        var huntress = await CreatedIdAsync(http.PostAsJsonAsync("/api/v1/vendor-connections", new
        {
            kind = "huntress", name = "Huntress (redaction)", baseUrl = huntressUrls.BaseUrl, enabled = false,
            credentials = new { apiKey = SimulatorCredentials.HuntressApiKey, apiSecret = HuntressSecret },
        }, Ct));
        foreach (var id in new[] { ninja, huntress })
        {
            var sync = await http.PostAsync($"/api/v1/vendor-connections/{id}/sync?wait=true", null, Ct);
            sync.StatusCode.ShouldBe(HttpStatusCode.OK, await sync.Content.ReadAsStringAsync(Ct));
        }

        // The accounting connection's secret key saved again, checked and used for an import.
        var conductor = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", Ct);
        await OkAsync(http.PutAsJsonAsync("/api/v1/accounting-connection", new
        {
            kind = "conductor", baseUrl = conductor.GetProperty("baseUrl").GetString(), fallbackItemId = conductor.GetProperty("fallbackItemId").GetString(),
            credentials = new { secretKey = AccountingSimulatorCredentials.ConductorSecretKey, endUserId = AccountingSimulatorCredentials.ConductorEndUserId },
        }, Ct));
        (await (await http.PostAsync("/api/v1/accounting-connection/check", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString().ShouldBe("connected");
        await OkAsync(http.PostAsync("/api/v1/accounting-connection/import", null, Ct));

        // QuickBooks Online: client secret saved, the OAuth consent in a browser, tokens stored by the callback, used by an import.
        var qbo = address + "/sim/qbo";
        await OkAsync(http.PutAsJsonAsync("/api/v1/accounting-connection", new
        {
            kind = "qbo", baseUrl = qbo, tokenUrl = qbo + "/oauth2/v1/tokens/bearer", authorizeUrl = qbo + "/connect/oauth2",
            credentials = new { clientId = AccountingSimulatorCredentials.QboClientId, clientSecret = AccountingSimulatorCredentials.QboClientSecret },
            confirmKindChange = true,
        }, Ct));
        await using (var session = await Browser.OpenAsync(app.BaseAddress))
        {
            var page = session.Page;
            await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
            await page.Locator("[data-testid=nav-accounting]").ClickAsync();
            await Browser.WaitForInteractiveAsync(page);
            await page.Locator("[data-testid=accounting-oauth-connect]").ClickAsync();
            await page.Locator("[data-testid=consent-authorize]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=accounting-oauth-connected]")).ToBeVisibleAsync();
        }

        await OkAsync(http.PostAsync("/api/v1/accounting-connection/import", null, Ct));

        // A new API key, used once.
        var created = await CreateApiKeyAsync();
        using (var keyed = app.ApiClient(created))
        {
            await OkAsync(keyed.GetAsync("/api/v1/clients?pageSize=1", Ct));
        }

        // What the API answers for the connections never holds a secret either.
        var answers = new StringBuilder();
        answers.Append(await http.GetStringAsync("/api/v1/vendor-connections", Ct));
        answers.Append(await http.GetStringAsync($"/api/v1/vendor-connections/{ninja}", Ct));
        answers.Append(await http.GetStringAsync($"/api/v1/vendor-connections/{huntress}", Ct));
        answers.Append(await http.GetStringAsync("/api/v1/accounting-connection", Ct));
        answers.Append(await http.GetStringAsync("/api/v1/audit?pageSize=1000", Ct));

        var secrets = app.Wire.Secrets()
            .Concat([NinjaSecret, HuntressSecret, AccountingSimulatorCredentials.ConductorSecretKey, AccountingSimulatorCredentials.QboClientSecret, created])
            // The demo's own API keys are public by design (printed at start-up, in the README).
            .Where(s => s.Length >= 8 && s != DemoSeeder.DemoApiKey && s != DemoSeeder.OtherApiKey)
            .Distinct()
            .ToList();
        // The wire saw what this test is about; otherwise it would prove nothing.
        app.Wire.Tokens.ShouldNotBeEmpty("no OAuth token answer was seen");
        app.Wire.Tokens.ShouldContain(t => t.Kind == "refresh_token", "the QuickBooks Online refresh token was not seen");
        app.Wire.Headers.ShouldContain(h => h.StartsWith("Bearer ", StringComparison.Ordinal));
        app.Wire.Headers.ShouldContain(h => h.StartsWith("Basic ", StringComparison.Ordinal));
        var logs = app.Logs.Entries.ToList();
        // Outgoing calls are logged (per attempt, at Debug) — by the app's redacting logger, which replaced the factory's
        // header loggers (those printed "*" but handed the raw Authorization value to every provider as structured state).
        logs.ShouldContain(e => e.Category == typeof(Common.RedactedHttpClientLogger).FullName && e.Text.Contains("/sim/qbo", StringComparison.Ordinal), "outgoing calls were not logged");
        logs.ShouldNotContain(e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && e.Text.Contains("Request Headers", StringComparison.Ordinal));
        logs.ShouldContain(e => e.Category == "Microsoft.EntityFrameworkCore.Database.Command", "EF Core's command logging did not run");

        foreach (var secret in secrets)
        {
            var leak = logs.FirstOrDefault(e => e.Text.Contains(secret, StringComparison.Ordinal));
            leak.ShouldBeNull($"a secret ({secret[..4]}…, {secret.Length} chars) was logged by {leak?.Category}: {leak?.Text[..Math.Min(leak.Text.Length, 400)]}");
            answers.ToString().ShouldNotContain(secret, Case.Sensitive, $"a secret ({secret[..4]}…) came back from the API");
        }
    }

    private async Task<string> CreateApiKeyAsync()
    {
        await using var scope = await DemoOwner.ScopeAsync(app.Services, Ct);
        return (await scope.ServiceProvider.GetRequiredService<ApiKeys.Handler>().CreateAsync("Redaction test", cancellationToken: Ct)).Key;
    }

    /// <summary>The demo's accounting import and mapping run at start-up; this test's changes must come after them.</summary>
    private static async Task WaitForStartupImportAsync(HttpClient http)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var connection = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", Ct);
            if (connection.TryGetProperty("imported", out var imports) && imports.GetProperty("customersImportedUtc").ValueKind == JsonValueKind.String
                && connection.GetProperty("fallbackItemId").ValueKind == JsonValueKind.String)
            {
                return;
            }

            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1), "the demo's accounting connection was not imported at start-up");
            await Task.Delay(200, Ct);
        }
    }

    private static async Task<Guid> CreatedIdAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static async Task OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>The demo app (like <see cref="AppFactory"/>) with every log at Trace into <see cref="Logs"/> and a wire tap in front of everything.</summary>
    public sealed class LoggingAppFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "cc-tests-" + Guid.NewGuid().ToString("N"));

        public LoggingAppFactory()
        {
            Directory.CreateDirectory(_dir);
            Port = AppFactory.FreePort();
            UseKestrel(Port);
            StartServer();
        }

        public int Port { get; }

        public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

        public CapturingLoggerProvider Logs { get; } = new();

        public WireTap Wire { get; } = new();

        public HttpClient ApiClient(string apiKey)
        {
            var client = new HttpClient { BaseAddress = BaseAddress };
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(_dir, "app.db")}");
            builder.UseSetting("Demo:Enabled", "true");
            builder.UseSetting("Demo:DriftMinutes", "0");
            builder.UseSetting("urls", BaseAddress.ToString());
            builder.ConfigureLogging(logging =>
            {
                logging.AddProvider(Logs);
                // A rule for this provider beats every category rule of appsettings (which keep HttpClient, Polly and EF at Warning).
                logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
            });
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new WireTapStartup(Wire)));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>Credentials as they arrive at the app's port (the simulators run in it) and tokens as the simulators hand them out.</summary>
    public sealed class WireTap
    {
        public ConcurrentQueue<string> Headers { get; } = new();

        public ConcurrentQueue<(string Kind, string Value)> Tokens { get; } = new();

        public IEnumerable<string> Secrets() => Headers.SelectMany(HeaderSecrets).Concat(Tokens.Select(t => t.Value));

        /// <summary>The whole header value, its credential part, and a Basic credential decoded and its password.</summary>
        private static IEnumerable<string> HeaderSecrets(string header)
        {
            yield return header;
            var space = header.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                yield break;
            }

            var credential = header[(space + 1)..];
            yield return credential;
            if (header.StartsWith("Basic ", StringComparison.Ordinal))
            {
                // user:password — the user part is an identifier (an OAuth client id travels in the browser's redirect by design).
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(credential));
                yield return decoded;
                yield return decoded[(decoded.IndexOf(':', StringComparison.Ordinal) + 1)..];
            }
        }
    }

    private sealed class WireTapStartup(WireTap wire) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                foreach (var name in new[] { "Authorization", "X-Api-Key" })
                {
                    if (context.Request.Headers.TryGetValue(name, out var values))
                    {
                        foreach (var value in values.OfType<string>())
                        {
                            wire.Headers.Enqueue(value);
                        }
                    }
                }

                if (!context.Request.Path.StartsWithSegments("/sim") || !context.Request.Path.Value!.Contains("token", StringComparison.OrdinalIgnoreCase))
                {
                    await nextMiddleware();
                    return;
                }

                // A token endpoint: its answer is read on the way out (and passed on unchanged).
                var original = context.Response.Body;
                using var buffer = new MemoryStream();
                context.Response.Body = buffer;
                try
                {
                    await nextMiddleware();
                }
                finally
                {
                    context.Response.Body = original;
                }

                buffer.Position = 0;
                await buffer.CopyToAsync(original);
                try
                {
                    using var json = JsonDocument.Parse(buffer.ToArray());
                    foreach (var kind in new[] { "access_token", "refresh_token", "id_token" })
                    {
                        if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(kind, out var token) && token.GetString() is { } value)
                        {
                            wire.Tokens.Enqueue((kind, value));
                        }
                    }
                }
                catch (JsonException)
                {
                    // Not a JSON answer (an error page): no token in it.
                }
            });
            next(app);
        };
    }

    /// <summary>Every log entry as text: the message, each structured value, every active scope and the exception.</summary>
    public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        public sealed record Entry(string Category, LogLevel Level, string Text);

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new StringBuilder(formatter(state, exception));
                Append(text, state);
                owner._scopes.ForEachScope((scope, sb) => Append(sb, scope), text);
                if (exception is not null)
                {
                    text.Append(" | ").Append(exception);
                }

                owner.Entries.Enqueue(new Entry(category, logLevel, text.ToString()));
            }

            private static void Append(StringBuilder text, object? state)
            {
                text.Append(" | ").Append(state);
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        text.Append(' ').Append(key).Append('=').Append(value is System.Collections.IEnumerable list and not string ? string.Join(",", list.Cast<object?>()) : value);
                    }
                }
            }
        }
    }
}
