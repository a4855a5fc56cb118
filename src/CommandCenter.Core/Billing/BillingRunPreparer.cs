using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Billing;

/// <summary>
/// Opens each tenant's run of the current month in the background (shortly after start, then hourly, so a new month
/// gets its run on its first hour): the billing owner's first visit finds the month computed instead of waiting for
/// 5,000 invoices to be built, and landed syncs keep it current from then on (<see cref="BillingLiveUpdates"/>).
/// </summary>
public sealed class BillingRunPreparer(IDbContextFactory<AppDbContext> factory, IServiceScopeFactory scopes, TimeProvider time, ILogger<BillingRunPreparer> logger) : BackgroundService
{
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(StartDelay, time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await PrepareAsync(stoppingToken);
                await Task.Delay(Interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var period = BillingPeriod.Of(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        List<Guid> tenants;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            // Tenants are not tenant-owned rows; the runs are checked per tenant below.
            tenants = await db.Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(cancellationToken);
        }

        foreach (var tenantId in tenants)
        {
            try
            {
                await using var db = factory.CreateDbContext().ForTenant(tenantId, "system");
                if (await db.BillingRuns.AnyAsync(r => r.Period == period.Start, cancellationToken) || !await db.Clients.AnyAsync(cancellationToken))
                {
                    continue;
                }

                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<BillingRuns.Engine>().OpenAsync(db, period, cancellationToken);
                logger.LogInformation("Billing run {Period} of tenant {TenantId} prepared in the background", period, tenantId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One tenant's failure never stops the others; its run is built on first open instead.
                logger.LogError(ex, "Preparing billing run {Period} of tenant {TenantId} failed", period, tenantId);
            }
        }
    }
}
