using System.Text.Json.Serialization;

namespace CommandCenter.Simulators.World;

/// <summary>A GDAP customer of the partner tenant (<c>delegatedAdminCustomers</c>); Graph uses the tenant id as <c>id</c>.</summary>
public sealed record GraphCustomer
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("tenantId")] public required string TenantId { get; init; }
    [JsonPropertyName("displayName")] public required string DisplayName { get; init; }
}

public sealed record GraphPrepaidUnits
{
    [JsonPropertyName("enabled")] public required int Enabled { get; init; }
    [JsonPropertyName("lockedOut")] public int LockedOut { get; init; }
    [JsonPropertyName("suspended")] public int Suspended { get; init; }
    [JsonPropertyName("warning")] public int Warning { get; init; }
}

public sealed record GraphServicePlan
{
    [JsonPropertyName("servicePlanId")] public required Guid ServicePlanId { get; init; }
    [JsonPropertyName("servicePlanName")] public required string ServicePlanName { get; init; }
    [JsonPropertyName("provisioningStatus")] public string ProvisioningStatus { get; init; } = "Success";
    [JsonPropertyName("appliesTo")] public string AppliesTo { get; init; } = "User";
}

/// <summary>One <c>subscribedSku</c> of a customer tenant (shape per vendor-apis.md §5.3).</summary>
public sealed record GraphSubscribedSku
{
    [JsonPropertyName("accountName")] public required string AccountName { get; init; }
    [JsonPropertyName("accountId")] public required string AccountId { get; init; }
    [JsonPropertyName("appliesTo")] public string AppliesTo { get; init; } = "User";
    [JsonPropertyName("capabilityStatus")] public string CapabilityStatus { get; init; } = "Enabled";
    [JsonPropertyName("consumedUnits")] public required int ConsumedUnits { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("prepaidUnits")] public required GraphPrepaidUnits PrepaidUnits { get; init; }
    [JsonPropertyName("servicePlans")] public IReadOnlyList<GraphServicePlan> ServicePlans { get; init; } = [];
    [JsonPropertyName("skuId")] public required Guid SkuId { get; init; }
    [JsonPropertyName("skuPartNumber")] public required string SkuPartNumber { get; init; }
    [JsonPropertyName("subscriptionIds")] public IReadOnlyList<Guid> SubscriptionIds { get; init; } = [];

    /// <summary>The customer tenant the SKU belongs to (same as <see cref="AccountId"/>, as a Guid).</summary>
    [JsonIgnore] public Guid TenantId { get; init; }
}
