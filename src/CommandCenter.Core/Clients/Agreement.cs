using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Clients;

/// <summary>A client's recurring plan: one per client, holding its recurring lines.</summary>
public sealed class Agreement : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ClientId { get; set; }
    public string Name { get; set; } = "Managed services";
    public List<RecurringLine> Lines { get; set; } = [];
    /// <summary>Billable time per ticket is rounded up to this many minutes (billing-rules.md, Time); null follows Billing settings.</summary>
    public int? TimeIncrementMinutes { get; set; }
    /// <summary>Billable time per ticket is at least this many minutes (0 = no minimum); null follows Billing settings.</summary>
    public int? TicketMinimumMinutes { get; set; }
    /// <summary>Days from the invoice date to its due date; null follows Billing settings.</summary>
    public int? PaymentTermsDays { get; set; }
}

internal sealed class AgreementConfiguration : IEntityTypeConfiguration<Agreement>
{
    public void Configure(EntityTypeBuilder<Agreement> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.HasMany(a => a.Lines).WithOne().HasForeignKey(l => l.AgreementId).OnDelete(DeleteBehavior.Cascade);
    }
}
