using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.Graph;

/// <summary>
/// App-only tokens per tenant: <c>POST {TokenUrl ?? https://login.microsoftonline.com}/{tenant}/oauth2/v2.0/token</c>,
/// form client_credentials with scope https://graph.microsoft.com/.default. The partner tenant
/// (<see cref="VendorCredentials.TenantId"/>) signs the customer list; each customer tenant signs its own SKUs.
/// </summary>
internal sealed class GraphAuthHandler(VendorTokenCache cache, VendorTokenClient tokens) : TokenAuthHandler(cache)
{
    public static readonly Uri DefaultAuthority = new("https://login.microsoftonline.com");
    public const string Scope = "https://graph.microsoft.com/.default";

    protected override string? TenantOf(ConnectionRuntime connection, HttpRequestMessage request) =>
        VendorRequest.GetTenant(request) ?? PartnerTenant(connection);

    internal static string PartnerTenant(ConnectionRuntime connection) =>
        string.IsNullOrWhiteSpace(connection.Credentials.TenantId)
            ? throw new VendorSyncException("Microsoft Graph: the connection has no partner tenant id.")
            : connection.Credentials.TenantId.Trim();

    protected override async Task<AccessToken> AcquireAsync(ConnectionRuntime connection, string? tenant, CancellationToken cancellationToken)
    {
        var tenantId = tenant ?? PartnerTenant(connection);
        var url = VendorRoutingHandler.Combine(connection.TokenUrl ?? DefaultAuthority, $"/{Uri.EscapeDataString(tenantId)}/oauth2/v2.0/token");
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = connection.Credentials.ClientId ?? "",
                ["client_secret"] = connection.Credentials.ClientSecret ?? "",
                ["scope"] = Scope,
                ["grant_type"] = "client_credentials",
            }),
        };
        var what = $"sign-in to tenant {tenantId}";
        var body = await tokens.SendAsync(connection, request, what, cancellationToken);
        return tokens.ParseOAuth(connection, what, body, TimeSpan.FromHours(1));
    }
}
