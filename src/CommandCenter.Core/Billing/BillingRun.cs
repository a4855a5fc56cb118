using System.Text.Json;
using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Billing;

public enum RunStatus
{
    Open = 0,

    /// <summary>Every invoice posted: locked, amounts and evidence frozen.</summary>
    Posted = 1,

    /// <summary>A locked month an Owner reopened (audited) for corrections: new documents only, never an edit of a posted one.</summary>
    Reopened = 2,
}

/// <summary>Review state of an invoice (design invariant 5); posting states arrive with the posting outbox.</summary>
public enum InvoiceStatus
{
    Draft = 0,
    Approved = 1,
    Posted = 2,
}

/// <summary>One month of one tenant: its draft invoices, their diff against the last posted month, flags and approvals.</summary>
public sealed class BillingRun : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    /// <summary>First day of the month; the period is [Period, Period + 1 month).</summary>
    public DateOnly Period { get; set; }
    public RunStatus Status { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>When the counts were last re-bound to the newest snapshots.</summary>
    public DateTime RefreshedUtc { get; set; }
    public DateTime? PostedUtc { get; set; }
    /// <summary>When someone first worked on the month (a refresh, an adjustment, an approval): month-end time is measured from here to <see cref="PostedUtc"/>.</summary>
    public DateTime? WorkStartedUtc { get; set; }
    /// <summary>Bumped by every change (refresh, adjustment, approval, landed sync): open pages compare it to stay live.</summary>
    public long Version { get; set; }
    public List<Invoice> Invoices { get; set; } = [];

    /// <summary>False only between a new open run's creation and its first computation (which bumps the version).</summary>
    public bool Computed => IsComputed(Status, Version);

    /// <summary><see cref="Computed"/> for a projection of a run's status and version (EF cannot translate the property).</summary>
    public static bool IsComputed(RunStatus status, long version) => status != RunStatus.Open || version > 0;
}

/// <summary>A client's invoice of a run, as the engine drafted it (lines with provenance, diff and flags).</summary>
public sealed class Invoice : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public Guid ClientId { get; set; }
    public required string ClientName { get; set; }
    public InvoiceStatus Status { get; set; }
    /// <summary>Assigned when posted (prefix + running number, ≤ 11 characters).</summary>
    public string? Number { get; set; }
    public DateOnly InvoiceDate { get; set; }
    public DateOnly DueDate { get; set; }
    public decimal Total { get; set; }
    /// <summary>The total of the client's last posted invoice, when there is one.</summary>
    public decimal? PreviousTotal { get; set; }
    /// <summary>A negative total posts as a credit memo, never as a negative invoice.</summary>
    public bool IsCreditMemo { get; set; }
    /// <summary>Flagged lines still waiting for a decision: the invoice cannot be approved while this is above 0.</summary>
    public int OpenFlags { get; set; }
    public bool Changed { get; set; }
    public bool Flagged { get; set; }
    /// <summary>An approved invoice is never changed by a sync; it says so instead.</summary>
    public bool NewerCountsAvailable { get; set; }
    public DateTime? ApprovedUtc { get; set; }
    public string? ApprovedBy { get; set; }
    /// <summary>Bumped by each posting attempt after a failure: part of the posting's idempotency key (tenant, period, client, version).</summary>
    public int DocumentVersion { get; set; }
    public DateTime? PostedUtc { get; set; }
    public DateTime ComputedUtc { get; set; }
    public List<InvoiceLine> Lines { get; set; } = [];
    public List<string> Warnings { get; set; } = [];

    /// <summary>
    /// A drafted invoice recorded as posted (a month billed before Command Center, the demo's history): its lines keep
    /// quantity, price, amount and evidence — the baseline of next month's diff — without this draft's own diff.
    /// </summary>
    public static Invoice Posted(DraftInvoice draft, string number, DateTime postedUtc, string postedBy) => new()
    {
        ClientId = draft.ClientId,
        ClientName = draft.ClientName,
        Status = InvoiceStatus.Posted,
        Number = number,
        InvoiceDate = draft.InvoiceDate,
        DueDate = draft.DueDate,
        Total = draft.Total,
        IsCreditMemo = draft.IsCreditMemo,
        Lines = [.. draft.Lines.Select(l => l with
        {
            Change = ChangeKinds.Same, Flags = [], Reasons = [], Highlighted = false,
            PreviousQuantity = null, PreviousAmount = null, QuantityDelta = 0, AmountDelta = 0,
        })],
        ApprovedUtc = postedUtc,
        ApprovedBy = postedBy,
        ComputedUtc = postedUtc,
    };
}

/// <summary>
/// A line as the engine produced it. Identity is <see cref="Key"/> (agreement line, ticket, charge or block id —
/// never description or date): the diff, adjustments and posting match on it.
/// </summary>
public sealed record InvoiceLine
{
    public required string Key { get; init; }
    public required string Kind { get; init; }
    public Guid? ItemId { get; init; }
    public string? ItemName { get; init; }
    public required string Description { get; init; }
    public decimal Quantity { get; init; }
    public decimal UnitPrice { get; init; }
    public decimal? UnitCost { get; init; }
    public decimal Amount { get; init; }
    public bool Taxable { get; init; }
    /// <summary>new | removed | up | down | same (against the last posted month).</summary>
    public string Change { get; init; } = ChangeKinds.Same;
    public decimal? PreviousQuantity { get; init; }
    public decimal? PreviousAmount { get; init; }
    public decimal QuantityDelta { get; init; }
    public decimal AmountDelta { get; init; }
    public bool Highlighted { get; init; }
    public List<string> Reasons { get; init; } = [];
    /// <summary>Why the line is held (<see cref="FlagKinds"/>), with a message each.</summary>
    public List<LineFlag> Flags { get; init; } = [];
    /// <summary>The decision on a flagged line; null while undecided.</summary>
    public string? Decision { get; init; }
    public string? DecisionReason { get; init; }
    /// <summary>Excluded or removed lines stay visible but bill nothing.</summary>
    public bool Excluded { get; init; }
    public Provenance Provenance { get; init; } = new();

    public bool NeedsDecision => Flags.Count > 0 && Decision is null;
}

public sealed record LineFlag(string Kind, string Message);

/// <summary>Where a billed quantity came from: source, snapshot time, rule and the evidence behind it.</summary>
public sealed record Provenance
{
    /// <summary>"Manual", "NinjaOne devices (Workstation)", "Time entries", "One-off charge"…</summary>
    public string Source { get; init; } = "";
    public DateTime? SnapshotUtc { get; init; }
    /// <summary>Vendor lines: the bound metric (workstations, servers, devices, agents, firewalls, licences).</summary>
    public string? Metric { get; init; }
    /// <summary>The rule that turned the count into the billed quantity, in words.</summary>
    public string Rule { get; init; } = "";
    /// <summary>The count before included units and minimum.</summary>
    public decimal? Count { get; init; }
    /// <summary>What was counted: device names, licence subscriptions, agent hostnames, time entries.</summary>
    public List<string> Evidence { get; init; } = [];
    /// <summary>What the source returned but did not count (and why), so the count can be checked.</summary>
    public List<string> NotCounted { get; init; } = [];
    /// <summary>Vendor lines: what each mapped organisation contributed, and when it was synced.</summary>
    public List<string> Organizations { get; init; } = [];
    /// <summary>Evidence new since the last posted month.</summary>
    public List<string> Added { get; init; } = [];
    /// <summary>Evidence of the last posted month that is gone.</summary>
    public List<string> Removed { get; init; } = [];
    public int? DaysActive { get; init; }
    public int? DaysInPeriod { get; init; }
    /// <summary>Block hours: balance before and after the period, in minutes.</summary>
    public int? BlockMinutesBefore { get; init; }
    public int? BlockMinutesAfter { get; init; }
}

public static class ChangeKinds
{
    public const string New = "new";
    public const string Removed = "removed";
    public const string Up = "up";
    public const string Down = "down";
    public const string Same = "same";
}

public static class LineKinds
{
    public const string Recurring = "recurring";
    public const string Time = "time";
    public const string BlockOverage = "block-overage";
    public const string BlockPurchase = "block-purchase";
    public const string Charge = "charge";
    public const string Added = "added";
}

public static class FlagKinds
{
    public const string Stale = "stale";
    public const string SyncFailed = "sync-failed";
    public const string Unmapped = "unmapped";
    public const string NoSource = "no-source";
    public const string Drop = "drop";
    public const string BelowCost = "below-cost";
}

public static class Decisions
{
    public const string Accept = "accept";
    public const string Override = "override";
    public const string Exclude = "exclude";

    public static bool IsKnown(string? value) => value is Accept or Override or Exclude;
}

/// <summary>
/// A manual change to one line of one client's invoice in a run: quantity, price, removal, an added line, or the
/// decision on a flagged line. Keyed by the line's identity, so it survives refreshes. Audited.
/// </summary>
public sealed class LineAdjustment : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public Guid ClientId { get; set; }
    /// <summary>The adjusted line's key; an added line's key is <c>added:{Id}</c>.</summary>
    public required string LineKey { get; set; }
    public decimal? Quantity { get; set; }
    public decimal? UnitPrice { get; set; }
    public bool Removed { get; set; }
    /// <summary>accept | override | exclude, for flagged lines.</summary>
    public string? Decision { get; set; }
    public Guid? AddedItemId { get; set; }
    public string? AddedDescription { get; set; }
    public required string Reason { get; set; }
    public DateTime UpdatedUtc { get; set; }
    public string? UpdatedBy { get; set; }

    public const int ReasonMaxLength = 1000;
}

internal sealed class BillingRunConfiguration : IEntityTypeConfiguration<BillingRun>
{
    public void Configure(EntityTypeBuilder<BillingRun> builder)
    {
        builder.HasIndex(r => new { r.TenantId, r.Period }).IsUnique();
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Ignore(r => r.Computed);
        builder.HasMany(r => r.Invoices).WithOne().HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.HasIndex(i => new { i.RunId, i.ClientId }).IsUnique();
        builder.HasIndex(i => new { i.TenantId, i.ClientId, i.Status });
        builder.Property(i => i.ClientName).HasMaxLength(Clients.Client.NameMaxLength);
        builder.Property(i => i.Number).HasMaxLength(BillingSettings.InvoiceNumberMaxLength);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Total).HasPrecision(19, 4);
        builder.Property(i => i.PreviousTotal).HasPrecision(19, 4);
        builder.Property(i => i.ApprovedBy).HasMaxLength(256);
        builder.HasOne<Clients.Client>().WithMany().HasForeignKey(i => i.ClientId).OnDelete(DeleteBehavior.Cascade);
        // The lines, their provenance and evidence are read and written whole with their invoice: one JSON document.
        builder.Property(i => i.Lines).HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<List<InvoiceLine>>(v, Json) ?? new List<InvoiceLine>(),
                new ValueComparer<List<InvoiceLine>>((a, b) => ReferenceEquals(a, b) || (a != null && b != null && a.SequenceEqual(b)), v => v.Count, v => v.ToList()));
        builder.Property(i => i.Warnings).HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            v => JsonSerializer.Deserialize<List<string>>(v, Json) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => ReferenceEquals(a, b) || (a != null && b != null && a.SequenceEqual(b)), v => v.Count, v => v.ToList()));
    }
}

internal sealed class LineAdjustmentConfiguration : IEntityTypeConfiguration<LineAdjustment>
{
    public void Configure(EntityTypeBuilder<LineAdjustment> builder)
    {
        builder.HasIndex(a => new { a.RunId, a.ClientId, a.LineKey }).IsUnique();
        builder.Property(a => a.LineKey).HasMaxLength(100);
        builder.Property(a => a.Quantity).HasPrecision(19, 4);
        builder.Property(a => a.UnitPrice).HasPrecision(19, 4);
        builder.Property(a => a.Decision).HasMaxLength(16);
        builder.Property(a => a.AddedDescription).HasMaxLength(OneOffCharge.DescriptionMaxLength);
        builder.Property(a => a.Reason).HasMaxLength(LineAdjustment.ReasonMaxLength);
        builder.Property(a => a.UpdatedBy).HasMaxLength(256);
        builder.HasOne<BillingRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
