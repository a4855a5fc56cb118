using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CommandCenter.VendorSync;
using CommandCenter.VendorSync.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace CommandCenter.Tests.VendorSync;

/// <summary>A scripted vendor behind every vendor HttpClient (unit level; the simulators cover the real shapes).</summary>
internal sealed class StubVendor : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, string, HttpResponseMessage> _respond;

    public StubVendor(Func<HttpRequestMessage, string, HttpResponseMessage> respond) => _respond = respond;

    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue($"{request.Method} {request.RequestUri}");
        var response = _respond(request, body);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static ServiceProvider Services(StubVendor stub, Action<VendorHttpOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVendorAdapters();
        services.Configure<VendorHttpOptions>(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            configure?.Invoke(o);
        });
        // Last word on every client's primary handler (Refit and the token client set their own).
        services.PostConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = stub));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public static ConnectionRuntime Connection(VendorKind kind, string baseUrl, int? pageSize = null, int timeoutSeconds = 5, int maxRetries = 2,
        string? tokenUrl = null, VendorCredentials? credentials = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), kind, new Uri(baseUrl), tokenUrl is null ? null : new Uri(tokenUrl), null,
            credentials ?? new VendorCredentials("client", "secret", "key", "apisecret", "partner-tenant"),
            new ConnectionLimits(null, pageSize, timeoutSeconds, maxRetries), 1);
}
