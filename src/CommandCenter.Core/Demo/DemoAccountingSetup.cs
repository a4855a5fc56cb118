using CommandCenter.Accounting;
using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Demo;

/// <summary>
/// Demo only: once the app listens, the demo tenant's accounting connection (the Conductor simulator's company file)
/// has its customers and items imported, and the same-name matches confirmed — as the owner would on the Accounting
/// page, audited like any mapping — so the demo month can be posted right away. Runs until an import succeeded once;
/// a failure is logged and leaves the mapping to the owner.
/// </summary>
public sealed class DemoAccountingSetup(
    IDbContextFactory<AppDbContext> factory,
    AuditWriter audit,
    AccountingCredentialProtector protector,
    AccountingEndpoints endpoints,
    IServiceProvider services,
    TimeProvider time,
    ILogger<DemoAccountingSetup> logger) : IBeforeSyncSchedule
{
    public const string FallbackItemName = "Misc charges";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> tenants;
        await using (var db = factory.CreateDbContext())
        {
            // Demo start-up: the demo tenants' simulated accounting connections that were never imported.
            tenants = (await db.AccountingConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(c => c.CustomersImportedUtc == null && c.BaseUrl != null)
                .Select(c => new { c.TenantId, c.BaseUrl }).ToListAsync(cancellationToken))
                .Where(c => DemoVendors.IsSimulatorUrl(c.BaseUrl!)).Select(c => c.TenantId).ToList();
        }

        foreach (var tenantId in tenants)
        {
            try
            {
                await SetUpAsync(tenantId, cancellationToken);
            }
            catch (Exception e) when (e is AccountingException or ValidationFailedException or HttpRequestException)
            {
                logger.LogWarning(e, "Demo: the accounting connection of tenant {TenantId} was not imported and mapped; do it on Settings → Accounting", tenantId);
            }
        }
    }

    private async Task SetUpAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var tenantDb = new TenantDb(factory, new FixedTenantContext(new TenantScope(tenantId, "demo")));
        var connections = new AccountingConnections.Handler(tenantDb, audit, protector, endpoints, services, time);
        var mappings = new AccountingMappings.Handler(tenantDb, audit);
        var imported = await connections.ImportAsync(cancellationToken);
        await connections.CheckAsync(cancellationToken);
        var view = await mappings.ListAsync(cancellationToken);
        List<AccountingMappings.CustomerMapping> customers = [.. view.Clients.Where(r => r.Mapped is null && r.Suggestion is { Reason: "same name" })
            .Select(r => new AccountingMappings.CustomerMapping(r.Id, r.Suggestion!.ExternalId))];
        List<AccountingMappings.ItemMapping> items = [.. view.Items.Where(r => r.Mapped is null && r.Suggestion is { Reason: "same name" })
            .Select(r => new AccountingMappings.ItemMapping(r.Id, r.Suggestion!.ExternalId))];
        await mappings.SetAsync(customers, items, "Demo: same-name matches confirmed", cancellationToken);
        if (view.ItemOptions.FirstOrDefault(o => o.Name == FallbackItemName) is { } fallback)
        {
            await mappings.SetFallbackItemAsync(fallback.ExternalId, cancellationToken);
        }

        logger.LogInformation("Demo: accounting imported ({Customers} customers, {Items} items); {Clients} clients and {Mapped} catalog items mapped by the same name",
            imported.Customers?.Total, imported.Items?.Total, customers.Count, items.Count);
    }
}
