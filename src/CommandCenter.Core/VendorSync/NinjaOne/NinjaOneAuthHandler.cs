using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.NinjaOne;

/// <summary>
/// OAuth2 client credentials, form-encoded, to <c>{TokenUrl ?? BaseUrl + /ws/oauth/token}</c> with scope
/// <c>monitoring</c> (read only; never <c>offline_access</c>, which the EU instance rejects).
/// </summary>
internal sealed class NinjaOneAuthHandler(VendorTokenCache cache, VendorTokenClient tokens) : TokenAuthHandler(cache)
{
    public const string Scope = "monitoring";

    protected override string? TenantOf(ConnectionRuntime connection, HttpRequestMessage request) => null;

    protected override async Task<AccessToken> AcquireAsync(ConnectionRuntime connection, string? tenant, CancellationToken cancellationToken)
    {
        var url = connection.TokenUrl ?? VendorRoutingHandler.Combine(connection.BaseUrl, "/ws/oauth/token");
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = connection.Credentials.ClientId ?? "",
                ["client_secret"] = connection.Credentials.ClientSecret ?? "",
                ["scope"] = Scope,
            }),
        };
        var body = await tokens.SendAsync(connection, request, "sign-in", cancellationToken);
        return tokens.ParseOAuth(connection, "sign-in", body, TimeSpan.FromHours(1));
    }
}
