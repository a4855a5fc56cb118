using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Clients;

public enum ClientStatus
{
    Active = 0,
    Inactive = 1,
}

/// <summary>One of the MSP's customers; an invoice goes to a client.</summary>
public sealed class Client : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Name
    {
        get;
        set
        {
            field = value;
            NormalizedName = Normalize(value);
        }
    }

    /// <summary>Upper-case invariant name: case-insensitive uniqueness and search that behave the same on every provider.</summary>
    public string NormalizedName { get; private set; } = "";
    public ClientStatus Status { get; set; }
    /// <summary>The customer's id in the accounting system (QuickBooks ListID, Xero ContactID…), never its name.</summary>
    public string? AccountingCustomerRef { get; set; }
    /// <summary>T&amp;M rate per hour; the tenant default applies when empty.</summary>
    public decimal? HourlyRate { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedUtc { get; set; }

    public Agreement? Agreement { get; set; }

    public const int NameMaxLength = 200;

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
    public const int NotesMaxLength = 4000;
}

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(Client.NameMaxLength);
        builder.Property(c => c.AccountingCustomerRef).HasMaxLength(100);
        builder.Property(c => c.Notes).HasMaxLength(Client.NotesMaxLength);
        builder.Property(c => c.HourlyRate).HasPrecision(19, 4);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.NormalizedName).HasMaxLength(Client.NameMaxLength);
        builder.HasIndex(c => new { c.TenantId, c.NormalizedName }).IsUnique();
        builder.HasOne(c => c.Agreement).WithOne().HasForeignKey<Agreement>(a => a.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
