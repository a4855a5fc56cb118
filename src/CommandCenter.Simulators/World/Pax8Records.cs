using System.Text.Json.Serialization;

namespace CommandCenter.Simulators.World;

public sealed record Pax8Address
{
    [JsonPropertyName("street")] public string? Street { get; init; }
    [JsonPropertyName("street2")] public string? Street2 { get; init; }
    [JsonPropertyName("city")] public string? City { get; init; }
    [JsonPropertyName("stateOrProvince")] public string? StateOrProvince { get; init; }
    [JsonPropertyName("postalCode")] public string? PostalCode { get; init; }
    [JsonPropertyName("country")] public string Country { get; init; } = "US";
}

/// <summary>A Pax8 company as <c>GET /v1/companies</c> returns it.</summary>
public sealed record Pax8Company
{
    [JsonPropertyName("id")] public required Guid Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("address")] public required Pax8Address Address { get; init; }
    [JsonPropertyName("phone")] public string? Phone { get; init; }
    [JsonPropertyName("website")] public string? Website { get; init; }
    [JsonPropertyName("externalId")] public string? ExternalId { get; init; }
    [JsonPropertyName("billOnBehalfOfEnabled")] public bool BillOnBehalfOfEnabled { get; init; }
    [JsonPropertyName("selfServiceAllowed")] public bool SelfServiceAllowed { get; init; }
    [JsonPropertyName("orderApprovalRequired")] public bool OrderApprovalRequired { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "Active";
    [JsonPropertyName("updatedDate")] public required DateTimeOffset UpdatedDate { get; init; }
}

/// <summary>A Pax8 product as <c>GET /v1/products</c> returns it. <see cref="GraphSkuId"/> is the Microsoft skuId.</summary>
public sealed record Pax8Product
{
    [JsonPropertyName("id")] public required Guid Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("vendorName")] public string VendorName { get; init; } = "Microsoft";
    [JsonPropertyName("shortDescription")] public string? ShortDescription { get; init; }
    [JsonPropertyName("sku")] public required string Sku { get; init; }
    [JsonPropertyName("vendorSku")] public required string VendorSku { get; init; }
    [JsonPropertyName("requiresCommitment")] public bool RequiresCommitment { get; init; } = true;

    [JsonIgnore] public Guid GraphSkuId { get; init; }
    [JsonIgnore] public string GraphSkuPartNumber { get; init; } = "";
}

public sealed record Pax8CommitmentTerm
{
    [JsonPropertyName("id")] public required Guid Id { get; init; }
    [JsonPropertyName("term")] public required string Term { get; init; }
    [JsonPropertyName("autoRenew")] public bool AutoRenew { get; init; } = true;
    [JsonPropertyName("renewalWindowDaysBeforeTermEnd")] public int RenewalWindowDaysBeforeTermEnd { get; init; } = 7;
}

/// <summary>
/// A Pax8 subscription as <c>GET /v1/subscriptions</c> returns it; <c>price</c> and <c>partnerCost</c> are per unit.
/// <see cref="VendorSkuId"/> (the Microsoft skuId) is only sent by <c>GET /v1/subscriptions/{id}</c>.
/// </summary>
public sealed record Pax8Subscription
{
    [JsonPropertyName("id")] public required Guid Id { get; init; }
    [JsonPropertyName("parentSubscriptionId")] public Guid? ParentSubscriptionId { get; init; }
    [JsonPropertyName("companyId")] public required Guid CompanyId { get; init; }
    [JsonPropertyName("productId")] public required Guid ProductId { get; init; }
    [JsonPropertyName("vendorSubscriptionId")] public required Guid VendorSubscriptionId { get; init; }
    [JsonPropertyName("quantity")] public required decimal Quantity { get; init; }
    [JsonPropertyName("startDate")] public required DateTimeOffset StartDate { get; init; }
    [JsonPropertyName("endDate")] public DateTimeOffset? EndDate { get; init; }
    [JsonPropertyName("createdDate")] public required DateTimeOffset CreatedDate { get; init; }
    [JsonPropertyName("updatedDate")] public required DateTimeOffset UpdatedDate { get; init; }
    [JsonPropertyName("billingStart")] public required DateOnly BillingStart { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("price")] public required decimal Price { get; init; }
    [JsonPropertyName("partnerCost")] public required decimal PartnerCost { get; init; }
    [JsonPropertyName("currencyCode")] public string CurrencyCode { get; init; } = "USD";
    [JsonPropertyName("productName")] public required string ProductName { get; init; }
    [JsonPropertyName("billingTerm")] public required string BillingTerm { get; init; }
    [JsonPropertyName("commitmentTerm")] public Pax8CommitmentTerm? CommitmentTerm { get; init; }
    [JsonPropertyName("provisioningDetails")] public IReadOnlyList<object> ProvisioningDetails { get; init; } = [];

    [JsonIgnore] public Guid VendorSkuId { get; init; }
}
