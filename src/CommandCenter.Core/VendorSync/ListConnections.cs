using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.VendorSync;

/// <summary>A connection as pages and the API show it: settings (never credentials), health, live progress.</summary>
public sealed record ConnectionRow(
    Guid Id,
    VendorKind Kind,
    string Name,
    string BaseUrl,
    string? TokenUrl,
    string? InventoryPath,
    string? CredentialHint,
    int ScheduleMinutes,
    bool Enabled,
    int? RequestsPerMinute,
    int? PageSize,
    int TimeoutSeconds,
    int MaxRetries,
    ConnectionHealth Health,
    int Organizations,
    int MappedOrganizations,
    int UnmappedOrganizations);

public sealed record ConnectionHealth(
    SyncStatus Status,
    DateTime? LastSyncStartedUtc,
    DateTime? LastSuccessUtc,
    DateTime? LastFailureUtc,
    string? LastError,
    long? LastDurationMs,
    int? ItemsFetched,
    int? OrganizationsFetched,
    DateTime? NextRunUtc,
    LiveSync? Running)
{
    /// <summary>Healthy = the last sync succeeded.</summary>
    public bool Healthy => Status == SyncStatus.Succeeded || (Status == SyncStatus.Running && LastFailureUtc is null && LastSuccessUtc is not null);
}

public sealed record SyncRunRow(Guid Id, SyncStatus Status, string Trigger, DateTime StartedUtc, DateTime? FinishedUtc, int Organizations, int Pages, int Items, string? Error);

public static class ListConnections
{
    public sealed class Handler(TenantDb tenantDb, SyncScheduler scheduler, SyncProgressTracker tracker)
    {
        public async Task<IReadOnlyList<ConnectionRow>> ListAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connections = await db.VendorConnections.AsNoTracking().ToListAsync(cancellationToken);
            var orgStats = await db.VendorOrganizations.AsNoTracking()
                .Where(o => o.Active)
                .GroupBy(o => o.ConnectionId)
                .Select(g => new { ConnectionId = g.Key, Total = g.Count(), Mapped = g.Count(o => o.ClientId != null), Unmapped = g.Count(o => o.ClientId == null && !o.Ignored) })
                .ToDictionaryAsync(x => x.ConnectionId, cancellationToken);
            var rows = new List<ConnectionRow>(connections.Count);
            foreach (var c in connections.OrderBy(c => c.Kind).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
            {
                orgStats.TryGetValue(c.Id, out var stats);
                rows.Add(await RowAsync(c, stats?.Total ?? 0, stats?.Mapped ?? 0, stats?.Unmapped ?? 0, cancellationToken));
            }

            return rows;
        }

        public async Task<ConnectionRow> GetAsync(Guid connectionId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var c = await db.VendorConnections.AsNoTracking().SingleOrDefaultAsync(x => x.Id == connectionId, cancellationToken)
                ?? throw new NotFoundException("Vendor connection", connectionId);
            var orgs = db.VendorOrganizations.Where(o => o.ConnectionId == connectionId && o.Active);
            return await RowAsync(
                c,
                await orgs.CountAsync(cancellationToken),
                await orgs.CountAsync(o => o.ClientId != null, cancellationToken),
                await orgs.CountAsync(o => o.ClientId == null && !o.Ignored, cancellationToken),
                cancellationToken);
        }

        public async Task<IReadOnlyList<SyncRunRow>> RunsAsync(Guid connectionId, int take = 20, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (!await db.VendorConnections.AnyAsync(c => c.Id == connectionId, cancellationToken))
            {
                throw new NotFoundException("Vendor connection", connectionId);
            }

            var runs = await db.SyncRuns.AsNoTracking().Where(r => r.ConnectionId == connectionId).ToListAsync(cancellationToken);
            return runs.OrderByDescending(r => r.StartedUtc).Take(take)
                .Select(r => new SyncRunRow(r.Id, r.Status, r.Trigger, r.StartedUtc, r.FinishedUtc, r.Organizations, r.Pages, r.Items, r.Error))
                .ToList();
        }

        private async Task<ConnectionRow> RowAsync(VendorConnection c, int total, int mapped, int unmapped, CancellationToken cancellationToken)
        {
            var health = new ConnectionHealth(
                c.LastStatus, c.LastSyncStartedUtc, c.LastSuccessUtc, c.LastFailureUtc, c.LastError, c.LastDurationMs, c.LastItemsFetched, c.LastOrganizations,
                c.Enabled ? await scheduler.NextRunUtcAsync(c.Id, cancellationToken) : null,
                tracker.Get(c.TenantId, c.Id));
            return new ConnectionRow(c.Id, c.Kind, c.Name, c.BaseUrl, c.TokenUrl, c.InventoryPath, c.CredentialHint, c.ScheduleMinutes, c.Enabled,
                c.RequestsPerMinute, c.PageSize, c.TimeoutSeconds, c.MaxRetries, health, total, mapped, unmapped);
        }
    }
}

/// <summary>"Test connection" and "Sync now".</summary>
public static class ConnectionActions
{
    public sealed class Handler(TenantDb tenantDb, SyncConnection.Handler sync, SyncScheduler scheduler, IServiceProvider services)
    {
        public async Task<ConnectionTestResult> TestAsync(Guid connectionId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var c = await db.VendorConnections.AsNoTracking().SingleOrDefaultAsync(x => x.Id == connectionId, cancellationToken)
                ?? throw new NotFoundException("Vendor connection", connectionId);
            try
            {
                var adapter = services.GetRequiredKeyedService<IVendorAdapter>(c.Kind);
                return await adapter.TestAsync(sync.Runtime(c), cancellationToken);
            }
            catch (VendorSyncException e)
            {
                return new ConnectionTestResult(false, e.Message);
            }
            catch (HttpRequestException e)
            {
                return new ConnectionTestResult(false, $"Could not reach {c.BaseUrl}: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new ConnectionTestResult(false, $"{VendorKinds.DisplayName(c.Kind)} did not answer in time.");
            }
        }

        /// <summary>Queues the connection's sync job now (returns at once).</summary>
        public async Task TriggerAsync(Guid connectionId, string trigger, CancellationToken cancellationToken = default)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (!await db.VendorConnections.AnyAsync(c => c.Id == connectionId, cancellationToken))
            {
                throw new NotFoundException("Vendor connection", connectionId);
            }

            await scheduler.TriggerNowAsync(scope.TenantId, connectionId, trigger, cancellationToken);
        }

        /// <summary>The largest firewall CSV accepted (a few thousand firewalls fit in far less).</summary>
        public const int MaxFirewallCsvBytes = 1024 * 1024;

        /// <summary>
        /// The manual fallback for firewalls NSM cannot list: a CSV (tenantId,tenantName,serialNumber,friendlyName,model)
        /// replaces the connection's firewall counts as one complete snapshot. A bad file changes nothing and says which row.
        /// </summary>
        public async Task<SyncConnection.Outcome> ImportFirewallsAsync(Guid connectionId, string csv, CancellationToken cancellationToken = default)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            await using (var db = await tenantDb.OpenAsync(cancellationToken))
            {
                var kind = await db.VendorConnections.Where(c => c.Id == connectionId).Select(c => (VendorKind?)c.Kind).SingleOrDefaultAsync(cancellationToken)
                    ?? throw new NotFoundException("Vendor connection", connectionId);
                if (kind != VendorKind.SonicWall)
                {
                    throw ValidationFailedException.For("connection", "Firewall CSV files are imported into a SonicWall connection.");
                }
            }

            if (System.Text.Encoding.UTF8.GetByteCount(csv) > MaxFirewallCsvBytes)
            {
                throw ValidationFailedException.For("file", "The firewall CSV is larger than 1 MB.");
            }

            SonicWall.CsvFirewallInventorySource source;
            try
            {
                source = new SonicWall.CsvFirewallInventorySource(csv);
            }
            catch (VendorSyncException e)
            {
                throw ValidationFailedException.For("file", e.Message);
            }

            return await sync.RunFromAsync(scope.TenantId, connectionId, "csv", (progress, ct) => SonicWall.FirewallInventory.ToFetchAsync(source, progress, ct), cancellationToken);
        }

        /// <summary>Runs the sync in the caller's flow and returns its outcome (API <c>?wait=true</c>, tests).</summary>
        public async Task<SyncConnection.Outcome> RunNowAsync(Guid connectionId, string trigger, CancellationToken cancellationToken = default)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            return await sync.RunAsync(scope.TenantId, connectionId, trigger, cancellationToken);
        }
    }
}
