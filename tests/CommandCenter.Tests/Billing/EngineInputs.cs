using CommandCenter.Billing;
using CommandCenter.Psa;
using CommandCenter.VendorSync;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// Builders for the pure engine's inputs. They only shape inputs; every expected number in the tests is computed by
/// hand in a comment next to it, never with the engine's helpers.
/// </summary>
internal static class EngineInputs
{
    /// <summary>November 2026: 30 days.</summary>
    public static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    /// <summary>The refresh happens on the first morning of December (UTC).</summary>
    public static readonly DateTime Now = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>Three hours before <see cref="Now"/>: fresh against the 24 h default.</summary>
    public static readonly DateTime Fresh = Now.AddHours(-3);

    public static readonly EngineSettings Defaults = new();

    public static readonly ItemRef Workstation = new(Guid.Parse("00000000-0000-0000-0000-0000000000a1"), "Managed Workstation", 45m, 12m, false);
    public static readonly ItemRef Server = new(Guid.Parse("00000000-0000-0000-0000-0000000000a2"), "Managed Server", 150m, 40m, false);
    public static readonly ItemRef BusinessStandard = new(Guid.Parse("00000000-0000-0000-0000-0000000000a3"), "Microsoft 365 Business Standard", 15m, 12.50m, false);
    public static readonly ItemRef BusinessPremium = new(Guid.Parse("00000000-0000-0000-0000-0000000000a4"), "Microsoft 365 Business Premium", 26.40m, 22m, false);
    public static readonly ItemRef Edr = new(Guid.Parse("00000000-0000-0000-0000-0000000000a5"), "Huntress EDR", 6m, 3.50m, false);
    public static readonly ItemRef CloudBackup = new(Guid.Parse("00000000-0000-0000-0000-0000000000a6"), "Cloud Backup", 60m, 25m, false);
    public static readonly ItemRef Firewall = new(Guid.Parse("00000000-0000-0000-0000-0000000000a7"), "Firewall Management", 85m, 20m, false);
    public static readonly ItemRef HelpDesk = new(Guid.Parse("00000000-0000-0000-0000-0000000000a8"), "Help Desk per User", 15m, 0m, false);
    public static readonly ItemRef Hardware = new(Guid.Parse("00000000-0000-0000-0000-0000000000a9"), "Hardware", 0m, 0m, true);
    public static readonly ItemRef SupportTime = new(Guid.Parse("00000000-0000-0000-0000-0000000000aa"), "Support Time (T&M)", 150m, 0m, false);
    public static readonly ItemRef BlockHours = new(Guid.Parse("00000000-0000-0000-0000-0000000000ab"), "Prepaid Block Hours", 0m, 0m, false);

    public static readonly Guid Ninja = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    public static readonly Guid Pax8 = Guid.Parse("00000000-0000-0000-0000-0000000000c2");
    public static readonly Guid Huntress = Guid.Parse("00000000-0000-0000-0000-0000000000c3");
    public static readonly Guid SonicWall = Guid.Parse("00000000-0000-0000-0000-0000000000c4");
    public static readonly Guid Graph = Guid.Parse("00000000-0000-0000-0000-0000000000c5");

    public static ClientInput Client(string name, decimal rate = 150m, int increment = 15, int minimum = 0, int terms = 30) =>
        new(Guid.NewGuid(), name, rate, increment, minimum, terms, [], [], [], [], [], null, []);

    public static LineInput Manual(ItemRef item, decimal quantity, decimal? price = null, DateOnly? from = null, DateOnly? to = null, decimal included = 0, decimal minimum = 0) =>
        new(Guid.NewGuid(), item, null, price, quantity, included, minimum, from ?? new DateOnly(2026, 1, 1), to, false, null, null);

    public static LineInput Vendor(ItemRef item, VendorBinding binding, SourceData source, decimal included = 0, decimal minimum = 0, decimal? price = null, DateOnly? from = null, DateOnly? to = null) =>
        new(Guid.NewGuid(), item, null, price, 0, included, minimum, from ?? new DateOnly(2026, 1, 1), to, true, binding, source);

    public static VendorBinding Bind(Guid connection, string metric, string? product = null, string basis = VendorBinding.Purchased, params string[] classes) =>
        new(connection, metric, classes, product, basis);

    /// <summary>A healthy connection with every given organisation mapped and synced.</summary>
    public static SourceData Source(string connection, params SourceSnapshot[] snapshots) =>
        new(connection, true, false, null, snapshots.Length, snapshots);

    public static SourceSnapshot Devices(string organization, DateTime takenUtc, params VendorAsset[] assets) =>
        new(organization, takenUtc, assets, []);

    public static SourceSnapshot Licences(string organization, DateTime takenUtc, params LicenceSubscription[] licences) =>
        new(organization, takenUtc, [], licences);

    /// <summary>A NinjaOne device: counted only when APPROVED.</summary>
    public static VendorAsset Device(string name, string assetClass = AssetClasses.Workstation, bool approved = true) => new()
    {
        ExternalId = "id-" + name,
        Name = name,
        Class = assetClass,
        Status = approved ? "APPROVED" : "PENDING",
        Counted = approved,
    };

    public static VendorAsset[] Workstations(string prefix, params int[] numbers) =>
        [.. numbers.Select(n => Device($"{prefix}-{n:00}"))];

    public static LicenceSubscription Subscription(string id, string productId, string productName, decimal quantity, string status = "Active", decimal? assigned = null, string? sku = null) => new()
    {
        ExternalId = id,
        ProductId = productId,
        ProductName = productName,
        Sku = sku,
        Quantity = quantity,
        Assigned = assigned,
        Status = status,
        Counted = status is "Active" or "PendingCancel" or "Enabled",
    };

    public static TicketInput Ticket(int number, string subject, bool closed, params TimeInput[] entries) =>
        new(Guid.NewGuid(), number, subject, closed, entries);

    public static TimeInput Entry(int day, int minutes, BillingClass? billingClass, int month = 11) =>
        new(new DateOnly(2026, month, day), minutes, billingClass, "tech@msp.test");

    public static ChargeInput Charge(DateOnly date, string description, decimal unitPrice, decimal quantity = 1, ItemRef? item = null) =>
        new(Guid.NewGuid(), date, description, item, quantity, unitPrice);

    public static DateOnly Nov(int day) => new(2026, 11, day);

    // Line identity written out by hand (billing-rules.md, "Line identity"), not with the engine's key helpers.
    public static string LineKey(LineInput line) => $"line:{line.LineId:N}";
    public static string TicketKey(TicketInput ticket) => $"ticket:{ticket.TicketId:N}";
    public static string ChargeKey(ChargeInput charge) => $"charge:{charge.Id:N}";
    public static string BlockKey(BlockInput block) => $"block:{block.Id:N}";
    public static string BlockPurchaseKey(BlockInput block) => $"block-purchase:{block.Id:N}";

    /// <summary>A line of last month's posted invoice, as it was stored.</summary>
    public static InvoiceLine Posted(LineInput line, decimal quantity, decimal unitPrice, decimal amount, decimal? count = null, string source = "Manual quantity", params string[] evidence) => new()
    {
        Key = LineKey(line),
        Kind = LineKinds.Recurring,
        ItemId = line.Item.Id,
        ItemName = line.Item.Name,
        Description = line.Item.Name,
        Quantity = quantity,
        UnitPrice = unitPrice,
        Amount = amount,
        Provenance = new Provenance { Source = source, Count = count ?? quantity, Evidence = [.. evidence], DaysActive = 31, DaysInPeriod = 31 },
    };

    public static PreviousInvoice October(decimal total, params InvoiceLine[] lines) =>
        new(new BillingPeriod(new DateOnly(2026, 10, 1)), total, lines);

    public static DraftInvoice Build(ClientInput client, EngineSettings? settings = null, BillingPeriod? period = null, DateTime? now = null) =>
        BillingEngine.BuildInvoice(period ?? November, client, settings ?? Defaults, SupportTime, BlockHours, now ?? Now);

    public static InvoiceLine Line(this DraftInvoice invoice, string key) => invoice.Lines.Single(l => l.Key == key);
}
