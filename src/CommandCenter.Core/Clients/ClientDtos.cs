namespace CommandCenter.Clients;

/// <summary>A client as the list shows it; <see cref="MonthlyRecurring"/> is the current lines' full-month amount (vendor-bound lines at their newest synced count).</summary>
public sealed record ClientRow(Guid Id, string Name, ClientStatus Status, decimal? HourlyRate, string? AccountingCustomerRef, int LineCount, decimal MonthlyRecurring);

public sealed record ClientDetail(
    Guid Id,
    string Name,
    ClientStatus Status,
    string? AccountingCustomerRef,
    decimal? HourlyRate,
    string? Notes,
    DateTime CreatedUtc,
    IReadOnlyList<LineDetail> Lines)
{
    public decimal MonthlyRecurring => Lines.Where(l => l.IsCurrent).Sum(l => l.MonthlyAmount);
}

public sealed record LineDetail(
    Guid Id,
    Guid ItemId,
    string ItemName,
    string? Description,
    decimal CatalogPrice,
    decimal? UnitPriceOverride,
    QuantitySourceKind SourceKind,
    decimal Quantity,
    decimal IncludedUnits,
    decimal Minimum,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    bool IsCurrent,
    LineSource? Source = null,
    decimal? VendorCount = null)
{
    public decimal UnitPrice => UnitPriceOverride ?? CatalogPrice;
    /// <summary>What the line bills now: a vendor line its newest synced count (0 until one exists), a manual line its quantity.</summary>
    public decimal BilledQuantity => RecurringLine.BilledQuantity(SourceKind == QuantitySourceKind.Vendor ? VendorCount ?? 0 : Quantity, IncludedUnits, Minimum);
    public decimal MonthlyAmount => Common.Money.RoundCents(UnitPrice * BilledQuantity);
    public string DisplayName => string.IsNullOrWhiteSpace(Description) ? ItemName : Description;
}

public sealed record CatalogItemDto(Guid Id, string Name, decimal UnitPrice, decimal UnitCost, string? AccountingItemRef, bool Taxable, int LineCount);

/// <summary>A line's vendor quantity source (connection + metric + filter), as pages and the API show it.</summary>
public sealed record LineSource(Guid ConnectionId, string? ConnectionName, string Metric, string? Classes, string? Product, string Basis)
{
    public string Describe() => new Billing.VendorBinding(ConnectionId, Metric, Billing.VendorBinding.SplitClasses(Classes), Product, Basis).Describe(ConnectionName ?? "Deleted connection");
}
