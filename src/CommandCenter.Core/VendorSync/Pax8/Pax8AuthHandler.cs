using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.Pax8;

/// <summary>
/// OAuth2 client credentials as a JSON body to <c>{TokenUrl ?? https://api.pax8.com/v1/token}</c> with audience
/// <c>https://api.pax8.com</c>; the token lasts 24 h.
/// </summary>
internal sealed class Pax8AuthHandler(VendorTokenCache cache, VendorTokenClient tokens) : TokenAuthHandler(cache)
{
    public static readonly Uri DefaultTokenUrl = new("https://api.pax8.com/v1/token");
    public const string Audience = "https://api.pax8.com";

    protected override string? TenantOf(ConnectionRuntime connection, HttpRequestMessage request) => null;

    protected override async Task<AccessToken> AcquireAsync(ConnectionRuntime connection, string? tenant, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, connection.TokenUrl ?? DefaultTokenUrl)
        {
            Content = Json(new Dictionary<string, string>
            {
                ["client_id"] = connection.Credentials.ClientId ?? "",
                ["client_secret"] = connection.Credentials.ClientSecret ?? "",
                ["audience"] = Audience,
                ["grant_type"] = "client_credentials",
            }),
        };
        var body = await tokens.SendAsync(connection, request, "sign-in", cancellationToken);
        return tokens.ParseOAuth(connection, "sign-in", body, TimeSpan.FromHours(24));
    }
}
