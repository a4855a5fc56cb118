using System.Threading.Channels;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Billing;

/// <summary>
/// A landed sync updates the open runs exactly as a refresh would (billing-rules.md, "Refresh and live updates"):
/// the draft invoices of the clients bound to that connection are rebuilt; approved ones only learn that newer counts
/// exist. Runs after the sync has committed, off the sync's thread; a failure here is logged and never fails the sync.
/// </summary>
public sealed class BillingLiveUpdates(SyncProgressTracker tracker, IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> factory, TimeProvider time, ILogger<BillingLiveUpdates> logger) : BackgroundService
{
    private readonly Channel<(Guid TenantId, Guid ConnectionId)> _queue = Channel.CreateUnbounded<(Guid, Guid)>(new UnboundedChannelOptions { SingleReader = true });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        tracker.Ended += OnEnded;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        tracker.Ended -= OnEnded;
        return base.StopAsync(cancellationToken);
    }

    private void OnEnded(Guid tenantId, Guid connectionId) => _queue.Writer.TryWrite((tenantId, connectionId));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (tenantId, connectionId) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await UpdateAsync(tenantId, connectionId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Live billing update after the sync of connection {ConnectionId} (tenant {TenantId}) failed", connectionId, tenantId);
            }
        }
    }

    public async Task UpdateAsync(Guid tenantId, Guid connectionId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext().ForTenant(tenantId, "sync");
        // Open runs of this month and the one before (month-end review happens in the first days of the next month).
        var current = BillingPeriod.Of(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var periods = await db.BillingRuns.AsNoTracking()
            .Where(r => r.Status == RunStatus.Open && r.Period >= current.Previous.Start)
            .Select(r => r.Period).ToListAsync(cancellationToken);
        if (periods.Count == 0)
        {
            return;
        }

        var clients = await db.RecurringLines.AsNoTracking()
            .Where(l => l.SourceConnectionId == connectionId)
            .Join(db.Agreements, l => l.AgreementId, a => a.Id, (l, a) => a.ClientId)
            .Distinct().ToListAsync(cancellationToken);
        if (clients.Count == 0)
        {
            return;
        }

        using var scope = scopes.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<BillingRuns.Engine>();
        foreach (var period in periods)
        {
            await engine.RecomputeClientsAsync(db, new BillingPeriod(period), clients, "sync", cancellationToken);
        }
    }
}
