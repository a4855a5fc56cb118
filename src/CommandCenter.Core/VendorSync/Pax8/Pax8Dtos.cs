namespace CommandCenter.VendorSync.Pax8;

internal sealed record Pax8Page<T>(List<T>? Content, Pax8PageInfo? Page);

internal sealed record Pax8PageInfo(int Size, long TotalElements, int TotalPages, int Number);

internal sealed record Pax8Company(string Id, string? Name, string? ExternalId, string? Status);

internal sealed record Pax8Subscription(
    string Id,
    string? CompanyId,
    string? ProductId,
    string? VendorSubscriptionId,
    string? VendorSkuId,
    decimal? Quantity,
    DateTimeOffset? StartDate,
    DateTimeOffset? EndDate,
    string? Status,
    decimal? Price,
    decimal? PartnerCost,
    string? CurrencyCode,
    string? ProductName,
    string? BillingTerm,
    Pax8Commitment? CommitmentTerm);

internal sealed record Pax8Commitment(string? Id, string? Term, bool? AutoRenew, DateTimeOffset? EndDate);

internal sealed record Pax8Product(string Id, string? Name, string? VendorName, string? Sku, string? VendorSku);
