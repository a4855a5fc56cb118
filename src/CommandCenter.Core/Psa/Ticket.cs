using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Psa;

/// <summary>How a ticket's time is billed; picked when the ticket is closed, inherited by its time entries.</summary>
public enum BillingClass
{
    /// <summary>Covered by the agreement ($0).</summary>
    Included = 0,
    /// <summary>Time and materials at the client's rate.</summary>
    Billable = 1,
    /// <summary>Drawn from a prepaid block of hours.</summary>
    BlockHour = 2,
    /// <summary>Billed through a project / one-off charge.</summary>
    Project = 3,
    /// <summary>Internal or warranty work.</summary>
    NonBillable = 4,
}

public enum TicketStatus
{
    Open = 0,
    Closed = 1,
}

/// <summary>A support ticket of a client. Closing it requires a billing class (never closed unclassified).</summary>
public sealed class Ticket : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ClientId { get; set; }
    /// <summary>Per-tenant running number shown to people ("#1042").</summary>
    public int Number { get; set; }
    public required string Subject { get; set; }
    public TicketStatus Status { get; set; }
    public string? Technician { get; set; }
    public DateTime OpenedUtc { get; set; }
    public DateTime? ClosedUtc { get; set; }
    public string? ClosedBy { get; set; }
    /// <summary>Set at close; the time entries inherit it.</summary>
    public BillingClass? BillingClass { get; set; }
    /// <summary>The ticket's id in an external PSA (ConnectWise, HaloPSA…), for ingest.</summary>
    public string? ExternalId { get; set; }
    public List<TimeEntry> TimeEntries { get; set; } = [];

    public const int SubjectMaxLength = 300;
}

/// <summary>Time a technician worked on a ticket.</summary>
public sealed class TimeEntry : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid TicketId { get; set; }
    public required string Technician { get; set; }
    public DateOnly WorkDate { get; set; }
    public int Minutes { get; set; }
    public string? Notes { get; set; }
    /// <summary>Inherited from the ticket at close, unless overridden for this entry (with a reason).</summary>
    public BillingClass? BillingClass { get; set; }
    public string? OverrideReason { get; set; }
    /// <summary>Idempotency key of the ingest API (unique per tenant when set).</summary>
    public string? ExternalId { get; set; }
    public DateTime CreatedUtc { get; set; }

    public const int MaxMinutes = 24 * 60;
    public const int NotesMaxLength = 4000;
    public const int ExternalIdMaxLength = 100;
}

/// <summary>A prepaid block of hours of a client, drawn down oldest first by Block Hour time.</summary>
public sealed class HourBlock : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ClientId { get; set; }
    public decimal Hours { get; set; }
    public decimal Price { get; set; }
    public DateOnly PurchasedOn { get; set; }
    /// <summary>Exclusive: time worked on or after this day no longer draws from the block.</summary>
    public DateOnly? ExpiresOn { get; set; }
    /// <summary>Hourly rate of time beyond the balance.</summary>
    public decimal OverageRate { get; set; }
    public DateTime CreatedUtc { get; set; }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.Property(t => t.Subject).HasMaxLength(Ticket.SubjectMaxLength);
        builder.Property(t => t.Technician).HasMaxLength(256);
        builder.Property(t => t.ClosedBy).HasMaxLength(256);
        builder.Property(t => t.ExternalId).HasMaxLength(TimeEntry.ExternalIdMaxLength);
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.BillingClass).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(t => new { t.TenantId, t.Number }).IsUnique();
        builder.HasIndex(t => new { t.TenantId, t.ClientId, t.Status });
        builder.HasOne<Clients.Client>().WithMany().HasForeignKey(t => t.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(t => t.TimeEntries).WithOne().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TimeEntryConfiguration : IEntityTypeConfiguration<TimeEntry>
{
    public void Configure(EntityTypeBuilder<TimeEntry> builder)
    {
        builder.Property(e => e.Technician).HasMaxLength(256);
        builder.Property(e => e.Notes).HasMaxLength(TimeEntry.NotesMaxLength);
        builder.Property(e => e.OverrideReason).HasMaxLength(500);
        builder.Property(e => e.ExternalId).HasMaxLength(TimeEntry.ExternalIdMaxLength);
        builder.Property(e => e.BillingClass).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(e => new { e.TenantId, e.ExternalId }).IsUnique().HasFilter("[ExternalId] IS NOT NULL");
        builder.HasIndex(e => new { e.TenantId, e.WorkDate });
    }
}

internal sealed class HourBlockConfiguration : IEntityTypeConfiguration<HourBlock>
{
    public void Configure(EntityTypeBuilder<HourBlock> builder)
    {
        builder.HasIndex(b => new { b.TenantId, b.ClientId });
        builder.HasOne<Clients.Client>().WithMany().HasForeignKey(b => b.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
