using System.Text.Json.Serialization;

namespace CommandCenter.VendorSync.Graph;

internal sealed record GraphPage<T>(
    List<T>? Value,
    [property: JsonPropertyName("@odata.nextLink")] string? NextLink);

internal sealed record GraphCustomer(string? Id, string? TenantId, string? DisplayName);

internal sealed record GraphSubscribedSku(
    string? Id,
    string? SkuId,
    string? SkuPartNumber,
    string? AppliesTo,
    string? CapabilityStatus,
    decimal? ConsumedUnits,
    GraphPrepaidUnits? PrepaidUnits,
    List<string>? SubscriptionIds);

internal sealed record GraphPrepaidUnits(decimal? Enabled, decimal? Warning, decimal? Suspended, decimal? LockedOut);
