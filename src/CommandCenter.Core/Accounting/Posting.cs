using System.Text.Json;
using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Accounting;

/// <summary>Posting state of one document (design invariant 5): pending → posting → posted | failed | uncertain.</summary>
public enum PostingState
{
    /// <summary>Queued; not sent yet.</summary>
    Pending = 0,

    /// <summary>Marked before the request goes out: found in this state after a crash, it is read back before anything else.</summary>
    Posting = 1,

    Posted = 2,

    /// <summary>The target refused it and created nothing; a retry sends a new document version.</summary>
    Failed = 3,

    /// <summary>Timed out or dropped: read back from the target before any retry.</summary>
    Uncertain = 4,
}

public static class PostingStates
{
    /// <summary>The wire name (data-state, API): pending | posting | posted | failed | uncertain.</summary>
    public static string Name(PostingState state) => state.ToString().ToLowerInvariant();

    public static bool IsActive(PostingState state) => state is PostingState.Pending or PostingState.Posting or PostingState.Uncertain;
}

/// <summary>
/// The outbox row of one document (an invoice of a run, or a correction) for one document version: its frozen content,
/// its idempotency key, its state and, once posted, its id in the target. A retry after a failure is a new row with the
/// next version; rows are never deleted.
/// </summary>
public sealed class InvoicePosting : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public DateOnly Period { get; set; }
    public Guid ClientId { get; set; }
    public required string ClientName { get; set; }
    /// <summary>The run's invoice this posts (for a correction: the original invoice it corrects).</summary>
    public Guid InvoiceId { get; set; }
    /// <summary>Set when this posts a correction rather than the run's invoice.</summary>
    public Guid? CorrectionId { get; set; }
    public int DocumentVersion { get; set; }
    public required string IdempotencyKey { get; set; }
    public Guid ExternalGuid { get; set; }
    public AccountingKind Target { get; set; }
    public DocumentKind DocumentKind { get; set; }
    public required string Number { get; set; }
    public decimal Total { get; set; }
    /// <summary>The frozen <see cref="PostingDocument"/> (JSON).</summary>
    public required PostingDocument Document { get; set; }
    public PostingState State { get; set; }
    public int Attempts { get; set; }
    public string? ExternalId { get; set; }
    public string? ExternalNumber { get; set; }
    /// <summary>The last failure or uncertainty, in the target's words.</summary>
    public string? Error { get; set; }
    public required string QueuedBy { get; set; }
    public DateTime QueuedUtc { get; set; }
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>Uncertain rows: not read back before this time (backoff).</summary>
    public DateTime? NextAttemptUtc { get; set; }
    /// <summary>IIF: the export (file) that carries this document.</summary>
    public Guid? ExportId { get; set; }

    public const int KeyMaxLength = 128;
}

internal sealed class InvoicePostingConfiguration : IEntityTypeConfiguration<InvoicePosting>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<InvoicePosting> builder)
    {
        builder.Property(p => p.ClientName).HasMaxLength(200);
        builder.Property(p => p.IdempotencyKey).HasMaxLength(InvoicePosting.KeyMaxLength);
        builder.Property(p => p.Target).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.DocumentKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Number).HasMaxLength(21);
        builder.Property(p => p.Total).HasPrecision(19, 2);
        builder.Property(p => p.ExternalId).HasMaxLength(100);
        builder.Property(p => p.ExternalNumber).HasMaxLength(50);
        builder.Property(p => p.Error).HasMaxLength(AccountingConnection.ErrorMaxLength);
        builder.Property(p => p.QueuedBy).HasMaxLength(256);
        builder.Property(p => p.Document).HasConversion(
            d => JsonSerializer.Serialize(d, Json),
            s => JsonSerializer.Deserialize<PostingDocument>(s, Json)!,
            new ValueComparer<PostingDocument>((a, b) => ReferenceEquals(a, b), d => d.GetHashCode(), d => d));
        builder.HasIndex(p => new { p.TenantId, p.IdempotencyKey }).IsUnique();
        builder.HasIndex(p => new { p.TenantId, p.RunId, p.InvoiceId });
        builder.HasIndex(p => new { p.State, p.TenantId });
    }
}

public enum CorrectionKind
{
    /// <summary>Gives money back against the original invoice.</summary>
    CreditMemo = 0,

    /// <summary>Bills what the original invoice missed.</summary>
    Supplementary = 1,
}

/// <summary>
/// A correction of a locked month: a new document linked to the original invoice, never an edit or a re-post of it.
/// Created by an Owner or Billing user after an Owner reopened the month; posted through the same outbox.
/// </summary>
public sealed class Correction : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public Guid InvoiceId { get; set; }
    public Guid ClientId { get; set; }
    public required string ClientName { get; set; }
    public CorrectionKind Kind { get; set; }
    /// <summary>Positive amounts: what is credited (credit memo) or billed (supplementary).</summary>
    public List<CorrectionLine> Lines { get; set; } = [];
    public decimal Total { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }

    public const int ReasonMaxLength = 500;
}

public sealed record CorrectionLine(Guid? ItemId, string Description, decimal Quantity, decimal UnitPrice, decimal Amount);

internal sealed class CorrectionConfiguration : IEntityTypeConfiguration<Correction>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Correction> builder)
    {
        builder.Property(c => c.ClientName).HasMaxLength(200);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Total).HasPrecision(19, 2);
        builder.Property(c => c.Reason).HasMaxLength(Correction.ReasonMaxLength);
        builder.Property(c => c.CreatedBy).HasMaxLength(256);
        builder.Property(c => c.Lines).HasConversion(
            l => JsonSerializer.Serialize(l, Json),
            s => JsonSerializer.Deserialize<List<CorrectionLine>>(s, Json) ?? new List<CorrectionLine>(),
            new ValueComparer<List<CorrectionLine>>((a, b) => a!.SequenceEqual(b!), l => l.Count, l => l.ToList()));
        builder.HasIndex(c => new { c.TenantId, c.RunId });
    }
}

/// <summary>
/// The IIF export ledger: each file produced for a month (QuickBooks has no idempotency for IIF imports, so exporting a
/// month again is warned about), with its content so the same file can be downloaded again.
/// </summary>
public sealed class IifExport : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public DateOnly Period { get; set; }
    public int Documents { get; set; }
    public decimal Total { get; set; }
    /// <summary>SHA-256 of the file (hex).</summary>
    public required string Sha256 { get; set; }
    /// <summary>The file as exported (Windows-1252 bytes).</summary>
    public required byte[] Content { get; set; }
    public required string FileName { get; set; }
    public required string ExportedBy { get; set; }
    public DateTime ExportedUtc { get; set; }
    /// <summary>Set when the owner confirmed exporting documents already exported before.</summary>
    public bool Repeat { get; set; }
}

internal sealed class IifExportConfiguration : IEntityTypeConfiguration<IifExport>
{
    public void Configure(EntityTypeBuilder<IifExport> builder)
    {
        builder.Property(e => e.Total).HasPrecision(19, 2);
        builder.Property(e => e.Sha256).HasMaxLength(64);
        builder.Property(e => e.FileName).HasMaxLength(200);
        builder.Property(e => e.ExportedBy).HasMaxLength(256);
        builder.HasIndex(e => new { e.TenantId, e.Period });
    }
}
