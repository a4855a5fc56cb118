using System.Linq.Expressions;
using CommandCenter.Audit;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CommandCenter.Persistence;

/// <summary>The one context. Tenant-owned rows are filtered by the named query filter <see cref="TenantFilter"/>.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public const string TenantFilter = "Tenant";

    /// <summary>The tenant this context reads and writes. Null means "no tenant": filtered queries return nothing.</summary>
    public Guid? CurrentTenantId { get; private set; }

    /// <summary>Who acts through this context; recorded by the audit writer.</summary>
    public string? Actor { get; private set; }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<CatalogItem> CatalogItems => Set<CatalogItem>();
    public DbSet<Agreement> Agreements => Set<Agreement>();
    public DbSet<RecurringLine> RecurringLines => Set<RecurringLine>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<VendorConnection> VendorConnections => Set<VendorConnection>();
    public DbSet<VendorOrganization> VendorOrganizations => Set<VendorOrganization>();
    public DbSet<UsageMapping> UsageMappings => Set<UsageMapping>();
    public DbSet<CountSnapshot> CountSnapshots => Set<CountSnapshot>();
    public DbSet<SyncRun> SyncRuns => Set<SyncRun>();
    public DbSet<Psa.Ticket> Tickets => Set<Psa.Ticket>();
    public DbSet<Psa.TimeEntry> TimeEntries => Set<Psa.TimeEntry>();
    public DbSet<Psa.HourBlock> HourBlocks => Set<Psa.HourBlock>();
    public DbSet<Billing.BillingSettings> BillingSettings => Set<Billing.BillingSettings>();
    public DbSet<Billing.OneOffCharge> OneOffCharges => Set<Billing.OneOffCharge>();
    public DbSet<Billing.BillingRun> BillingRuns => Set<Billing.BillingRun>();
    public DbSet<Billing.Invoice> Invoices => Set<Billing.Invoice>();
    public DbSet<Billing.LineAdjustment> LineAdjustments => Set<Billing.LineAdjustment>();
    public DbSet<Accounting.AccountingConnection> AccountingConnections => Set<Accounting.AccountingConnection>();
    public DbSet<Accounting.AccountingRecord> AccountingRecords => Set<Accounting.AccountingRecord>();
    public DbSet<Accounting.InvoicePosting> InvoicePostings => Set<Accounting.InvoicePosting>();
    public DbSet<Accounting.Correction> Corrections => Set<Accounting.Correction>();
    public DbSet<Accounting.IifExport> IifExports => Set<Accounting.IifExport>();

    /// <summary>Data Protection keys (not tenant data): shared by every instance so protected credentials stay readable.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Claims on work that runs on one instance at a time (not tenant data; see <see cref="Leases"/>).</summary>
    public DbSet<Lease> Leases => Set<Lease>();

    public AppDbContext ForTenant(Guid tenantId, string actor)
    {
        if (CurrentTenantId is not null && CurrentTenantId != tenantId)
        {
            throw new InvalidOperationException("A context serves one tenant for its whole life.");
        }

        CurrentTenantId = tenantId;
        Actor = actor;
        return this;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

        foreach (var entityType in builder.Model.GetEntityTypes())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType))
            {
                builder.Entity(entityType.ClrType).HasQueryFilter(TenantFilter, TenantLambda(entityType.ClrType));
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Instants are stored as UTC DateTime (SQLite cannot compare DateTimeOffset); read them back as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(19, 4);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardTenantWrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardTenantWrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Stamps new rows with the context's tenant and refuses any write to another tenant's row or to the audit log's past.</summary>
    private void GuardTenantWrites()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEntry && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("The audit log is append-only.");
            }

            if (entry.Entity is not ITenantOwned owned || entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            if (entry.State == EntityState.Added && owned.TenantId == Guid.Empty)
            {
                owned.TenantId = CurrentTenantId ?? throw new InvalidOperationException($"A new {entry.Metadata.ClrType.Name} needs a tenant.");
            }

            if (CurrentTenantId is not null && owned.TenantId != CurrentTenantId)
            {
                throw new InvalidOperationException($"Refusing to write a {entry.Metadata.ClrType.Name} of another tenant.");
            }
        }
    }

    private LambdaExpression TenantLambda(Type clrType)
    {
        var entity = Expression.Parameter(clrType, "e");
        var tenantId = Expression.Convert(Expression.Property(entity, nameof(ITenantOwned.TenantId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
        return Expression.Lambda(Expression.Equal(tenantId, current), entity);
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}
