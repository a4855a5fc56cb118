using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>Pax8 Partner API (vendor-apis.md §2): JSON client_credentials, 0-based pages in a <c>{content, page}</c> envelope.</summary>
internal static class Pax8Endpoints
{
    public const string Vendor = "pax8";
    private const int MaxPageSize = 200;
    private const int DefaultPageSize = 10;
    private static readonly string[] Audiences = [SimulatorCredentials.Pax8Audience, "api://p8p.client"];

    public static void Map(RouteGroupBuilder group)
    {
        var behavior = new Behavior();
        group.MapPost("/v1/token", TokenAsync).Vendor(behavior, tokenEndpoint: true);
        group.MapGet("/v1/companies", (HttpContext http, SimulatorWorld world) =>
        {
            var status = http.Request.Query["status"].ToString();
            return Page(http, world.Pax8.Companies.Where(c => status.Length == 0 || c.Status.Equals(status, StringComparison.OrdinalIgnoreCase)));
        }).Vendor(behavior);
        group.MapGet("/v1/companies/{id}", (string id, HttpContext http, SimulatorWorld world) =>
            Guid.TryParse(id, out var companyId) && world.Pax8.Companies.FirstOrDefault(c => c.Id == companyId) is { } company
                ? new SimJson(company)
                : Error(http, 404, "NotFound", $"Company {id} not found")).Vendor(behavior);
        group.MapGet("/v1/products", (HttpContext http, SimulatorWorld world) =>
        {
            var vendorName = http.Request.Query["vendorName"].ToString();
            var search = http.Request.Query["search"].ToString();
            return Page(http, world.Pax8.Products.Where(p =>
                (vendorName.Length == 0 || p.VendorName.Equals(vendorName, StringComparison.OrdinalIgnoreCase))
                && (search.Length == 0 || p.Name.Contains(search, StringComparison.OrdinalIgnoreCase))));
        }).Vendor(behavior);
        group.MapGet("/v1/products/{id}", (string id, HttpContext http, SimulatorWorld world) =>
            Guid.TryParse(id, out var productId) && world.Pax8.Products.FirstOrDefault(p => p.Id == productId) is { } product
                ? new SimJson(product)
                : Error(http, 404, "NotFound", $"Product {id} not found")).Vendor(behavior);
        group.MapGet("/v1/subscriptions", Subscriptions).Vendor(behavior);
        group.MapGet("/v1/subscriptions/{id}", (string id, HttpContext http, SimulatorWorld world) =>
            Guid.TryParse(id, out var subscriptionId) && world.Pax8.Subscriptions.FirstOrDefault(s => s.Id == subscriptionId) is { } sub
                ? new SimJson(new SubscriptionDetail(sub))
                : Error(http, 404, "NotFound", $"Subscription {id} not found")).Vendor(behavior);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, SimulatorTokens tokens, IOptions<SimulatorOptions> options)
    {
        TokenRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<TokenRequest>(http.Request.Body, SimJsonOptions.Read, http.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null || request.ClientId is null || request.ClientSecret is null)
        {
            return new SimJson(new OAuthError("invalid_request", "Missing required parameter: client_id and client_secret (JSON body)"), statusCode: 400);
        }

        if (request.GrantType != "client_credentials")
        {
            return new SimJson(new OAuthError("unsupported_grant_type", "Unsupported grant type: " + request.GrantType), statusCode: 403);
        }

        if (request.ClientId != SimulatorCredentials.Pax8ClientId || request.ClientSecret != SimulatorCredentials.Pax8ClientSecret)
        {
            return new SimJson(new OAuthError("access_denied", "Unauthorized"), statusCode: 401);
        }

        if (!Audiences.Contains(request.Audience, StringComparer.Ordinal))
        {
            return new SimJson(new OAuthError("access_denied", $"Service not found: {request.Audience}"), statusCode: 403);
        }

        var lifetime = options.Value.Pax8TokenLifetime;
        var token = tokens.Issue(Vendor, request.ClientId, lifetime, prefix: "pax8.");
        return new SimJson(new TokenResponse(token, (int)lifetime.TotalSeconds, "Bearer"));
    }

    private static IResult Subscriptions(HttpContext http, SimulatorWorld world)
    {
        var query = http.Request.Query;
        Guid? companyId = null, productId = null;
        if (query["companyId"].ToString() is { Length: > 0 } c)
        {
            if (!Guid.TryParse(c, out var id))
            {
                return Error(http, 400, "BadRequest", "companyId must be a UUID");
            }

            companyId = id;
        }

        if (query["productId"].ToString() is { Length: > 0 } p)
        {
            if (!Guid.TryParse(p, out var id))
            {
                return Error(http, 400, "BadRequest", "productId must be a UUID");
            }

            productId = id;
        }

        var status = query["status"].ToString();
        var billingTerm = query["billingTerm"].ToString();
        return Page(http, world.Pax8.Subscriptions.Where(s =>
            (companyId is null || s.CompanyId == companyId)
            && (productId is null || s.ProductId == productId)
            && (status.Length == 0 || s.Status.Equals(status, StringComparison.OrdinalIgnoreCase))
            && (billingTerm.Length == 0 || s.BillingTerm.Equals(billingTerm, StringComparison.OrdinalIgnoreCase))));
    }

    private static IResult Page<T>(HttpContext http, IEnumerable<T> items)
    {
        var query = http.Request.Query;
        var page = 0;
        var size = DefaultPageSize;
        if (query["page"].ToString() is { Length: > 0 } pageText && (!int.TryParse(pageText, NumberStyles.Integer, CultureInfo.InvariantCulture, out page) || page < 0))
        {
            return Error(http, 400, "BadRequest", "page must be greater than or equal to 0");
        }

        if (query["size"].ToString() is { Length: > 0 } sizeText && (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            return Error(http, 400, "BadRequest", $"size must be between 1 and {MaxPageSize}");
        }

        var all = items.ToList();
        var totalPages = (all.Count + size - 1) / size;
        var content = all.Skip(page * size).Take(size).ToList();
        return new SimJson(
            new PageEnvelope<T>(content, new PageInfo(size, all.Count, totalPages, page)),
            emptyPage: new PageEnvelope<T>([], new PageInfo(size, all.Count, totalPages, page)));
    }

    private static SimJson Error(HttpContext http, int status, string type, string message) =>
        new(new ErrorBody(type, message, http.Request.Path.Value ?? "", status, []), statusCode: status);

    private sealed class Behavior : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            var token = SimulatorTokens.Bearer(http.Request);
            var (check, _) = Service<SimulatorTokens>(http).Check(Vendor, token);
            return ValueTask.FromResult(check switch
            {
                TokenCheck.Valid => AuthOutcome.Allow(token),
                TokenCheck.Expired => AuthOutcome.Deny(Error(http, 401, "Unauthorized", "Jwt is expired")),
                TokenCheck.Missing => AuthOutcome.Deny(Error(http, 401, "Unauthorized", "Full authentication is required to access this resource")),
                _ => AuthOutcome.Deny(Error(http, 401, "Unauthorized", "Invalid token")),
            });
        }

        public override IResult ExpiredToken(HttpContext http, object? principal)
        {
            Service<SimulatorTokens>(http).Revoke(principal as string);
            return Error(http, 401, "Unauthorized", "Jwt is expired");
        }

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            Error(http, 429, "TooManyRequests", "Rate limit exceeded").WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) => Error(http, 500, "InternalServerError", "An unexpected error occurred");
    }

    private sealed record TokenRequest(
        [property: JsonPropertyName("client_id")] string? ClientId,
        [property: JsonPropertyName("client_secret")] string? ClientSecret,
        [property: JsonPropertyName("audience")] string? Audience,
        [property: JsonPropertyName("grant_type")] string? GrantType);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("token_type")] string TokenType);

    private sealed record OAuthError(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string ErrorDescription);

    private sealed record ErrorBody(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("instance")] string Instance,
        [property: JsonPropertyName("status")] int Status,
        [property: JsonPropertyName("details")] IReadOnlyList<object> Details);

    private sealed record PageInfo(
        [property: JsonPropertyName("size")] int Size,
        [property: JsonPropertyName("totalElements")] int TotalElements,
        [property: JsonPropertyName("totalPages")] int TotalPages,
        [property: JsonPropertyName("number")] int Number);

    private sealed record PageEnvelope<T>(
        [property: JsonPropertyName("content")] IReadOnlyList<T> Content,
        [property: JsonPropertyName("page")] PageInfo Page);

    /// <summary>The single-subscription view: the list fields plus <c>vendorSkuId</c> (the Microsoft skuId).</summary>
    private sealed record SubscriptionDetail([property: JsonIgnore] Pax8Subscription Subscription)
    {
        [JsonPropertyName("id")] public Guid Id => Subscription.Id;
        [JsonPropertyName("parentSubscriptionId")] public Guid? ParentSubscriptionId => Subscription.ParentSubscriptionId;
        [JsonPropertyName("companyId")] public Guid CompanyId => Subscription.CompanyId;
        [JsonPropertyName("productId")] public Guid ProductId => Subscription.ProductId;
        [JsonPropertyName("vendorSubscriptionId")] public Guid VendorSubscriptionId => Subscription.VendorSubscriptionId;
        [JsonPropertyName("vendorSkuId")] public Guid VendorSkuId => Subscription.VendorSkuId;
        [JsonPropertyName("quantity")] public decimal Quantity => Subscription.Quantity;
        [JsonPropertyName("startDate")] public DateTimeOffset StartDate => Subscription.StartDate;
        [JsonPropertyName("endDate")] public DateTimeOffset? EndDate => Subscription.EndDate;
        [JsonPropertyName("createdDate")] public DateTimeOffset CreatedDate => Subscription.CreatedDate;
        [JsonPropertyName("updatedDate")] public DateTimeOffset UpdatedDate => Subscription.UpdatedDate;
        [JsonPropertyName("billingStart")] public DateOnly BillingStart => Subscription.BillingStart;
        [JsonPropertyName("status")] public string Status => Subscription.Status;
        [JsonPropertyName("price")] public decimal Price => Subscription.Price;
        [JsonPropertyName("partnerCost")] public decimal PartnerCost => Subscription.PartnerCost;
        [JsonPropertyName("currencyCode")] public string CurrencyCode => Subscription.CurrencyCode;
        [JsonPropertyName("productName")] public string ProductName => Subscription.ProductName;
        [JsonPropertyName("billingTerm")] public string BillingTerm => Subscription.BillingTerm;
        [JsonPropertyName("commitmentTerm")] public Pax8CommitmentTerm? CommitmentTerm => Subscription.CommitmentTerm;
        [JsonPropertyName("provisioningDetails")] public IReadOnlyList<object> ProvisioningDetails => Subscription.ProvisioningDetails;
    }
}
