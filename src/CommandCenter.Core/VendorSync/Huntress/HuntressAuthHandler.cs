using System.Net.Http.Headers;
using System.Text;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.Huntress;

/// <summary>HTTP Basic <c>base64(apiKey:apiSecret)</c> on every request; there is no token call.</summary>
internal sealed class HuntressAuthHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var credentials = VendorRequest.GetConnection(request).Credentials;
        var pair = $"{credentials.ApiKey ?? credentials.ClientId}:{credentials.ApiSecret ?? credentials.ClientSecret}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        return base.SendAsync(request, cancellationToken);
    }
}
