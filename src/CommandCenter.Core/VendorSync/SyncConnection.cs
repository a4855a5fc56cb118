using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.VendorSync;

/// <summary>Runs after a successful sync, inside its transaction (e.g. the demo confirms its name matches once).</summary>
public interface ISyncCompletedHook
{
    Task OnSyncedAsync(AppDbContext db, VendorConnection connection, bool firstSuccess, CancellationToken cancellationToken);
}

/// <summary>
/// Syncs one connection: reads the whole vendor account through its adapter, then writes every organisation's new
/// snapshot in one transaction — a complete new state or nothing. A failure is recorded on the connection (the vendor's
/// own message) and leaves the previous snapshots untouched.
/// </summary>
public static class SyncConnection
{
    public sealed record Outcome(Guid RunId, SyncStatus Status, string? Error, int Organizations, int Items, TimeSpan Duration);

    public sealed class Handler(
        IDbContextFactory<AppDbContext> factory,
        IServiceProvider services,
        CredentialProtector protector,
        SyncProgressTracker tracker,
        SyncLocks locks,
        Common.Leases leases,
        IEnumerable<ISyncCompletedHook> hooks,
        TimeProvider time,
        ILogger<Handler> logger)
    {
        /// <summary>Snapshots of the newest runs are always kept; older runs keep only the last of each month.</summary>
        public const int KeepRecentRuns = 3;

        public async Task<Outcome> RunAsync(Guid tenantId, Guid connectionId, string trigger, CancellationToken cancellationToken = default)
        {
            // The Quartz job never overlaps itself; this also keeps an API "sync and wait" from overlapping the job —
            // in this process (the lock) and on every other instance on the same database (the lease).
            using var held = await locks.AcquireAsync(connectionId, cancellationToken);
            await using var lease = await leases.AcquireAsync(LeaseKey(connectionId), cancellationToken: cancellationToken);
            return await RunLockedAsync(tenantId, connectionId, trigger, null, cancellationToken);
        }

        /// <summary>
        /// Records a complete read that did not come from the vendor's API (the manual firewall CSV) exactly like a sync:
        /// same snapshots, mappings, health and history.
        /// </summary>
        public async Task<Outcome> RunFromAsync(Guid tenantId, Guid connectionId, string trigger, Func<ISyncProgress, CancellationToken, Task<VendorFetch>> fetch, CancellationToken cancellationToken = default)
        {
            using var held = await locks.AcquireAsync(connectionId, cancellationToken);
            await using var lease = await leases.AcquireAsync(LeaseKey(connectionId), cancellationToken: cancellationToken);
            return await RunLockedAsync(tenantId, connectionId, trigger, fetch, cancellationToken);
        }

        public static string LeaseKey(Guid connectionId) => $"sync:{connectionId}";

        private async Task<Outcome> RunLockedAsync(Guid tenantId, Guid connectionId, string trigger, Func<ISyncProgress, CancellationToken, Task<VendorFetch>>? source, CancellationToken cancellationToken)
        {
            var started = time.GetTimestamp();
            await using var db = factory.CreateDbContext().ForTenant(tenantId, "sync");
            var connection = await db.VendorConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken)
                ?? throw new Common.NotFoundException("Vendor connection", connectionId);

            var now = time.GetUtcNow().UtcDateTime;
            var run = new SyncRun { ConnectionId = connectionId, Status = SyncStatus.Running, Trigger = trigger, StartedUtc = now };
            db.SyncRuns.Add(run);
            connection.LastStatus = SyncStatus.Running;
            connection.LastSyncStartedUtc = now;
            await db.SaveChangesAsync(cancellationToken);

            var progress = tracker.Start(tenantId, connectionId);
            try
            {
                VendorFetch fetch;
                try
                {
                    if (source is not null)
                    {
                        fetch = await source(progress, cancellationToken);
                    }
                    else
                    {
                        var adapter = services.GetRequiredKeyedService<IVendorAdapter>(connection.Kind);
                        fetch = await adapter.FetchAsync(Runtime(connection), progress, cancellationToken);
                    }

                    Check(fetch);
                }
                catch (VendorSyncException e)
                {
                    return await FailAsync(db, connection, run, progress, e.Message, started, cancellationToken);
                }
                catch (HttpRequestException e)
                {
                    return await FailAsync(db, connection, run, progress, $"Could not reach {VendorKinds.DisplayName(connection.Kind)}: {e.Message}", started, cancellationToken);
                }
                catch (Exception e) when (e is TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    return await FailAsync(db, connection, run, progress, $"{VendorKinds.DisplayName(connection.Kind)} did not answer in time ({e.Message}).", started, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await FailAsync(db, connection, run, progress, "The sync was cancelled (the app is stopping); previous counts were kept.", started, CancellationToken.None);
                    throw;
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Vendor sync {ConnectionId} failed unexpectedly", connectionId);
                    return await FailAsync(db, connection, run, progress, $"Internal error while reading {VendorKinds.DisplayName(connection.Kind)}: {e.GetType().Name}: {e.Message}", started, cancellationToken);
                }

                var items = fetch.Metrics.Sum(m => m.Assets.Count + m.Licences.Count);
                var firstSuccess = connection.LastSuccessUtc is null;
                try
                {
                    await SaveSucceededAsync(db, connection, run, progress, fetch, items, firstSuccess, started, cancellationToken);
                }
                catch (Exception e) when (Persistence.DatabaseBusy.Is(e) && !cancellationToken.IsCancellationRequested)
                {
                    // The transaction rolled back: no snapshot of this sync exists. Record the run as failed (from fresh
                    // rows: the tracked ones carry the success that was not saved), so it is visible, never left running.
                    db.ChangeTracker.Clear();
                    var current = await db.VendorConnections.SingleAsync(c => c.Id == connectionId, CancellationToken.None);
                    var failedRun = await db.SyncRuns.SingleAsync(r => r.Id == run.Id, CancellationToken.None);
                    return await FailAsync(db, current, failedRun, progress,
                        $"The counts read from {VendorKinds.DisplayName(connection.Kind)} could not be saved: the database stayed busy. The previous counts were kept.", started, cancellationToken);
                }

                await PruneAsync(db, connectionId, cancellationToken);
                var duration = time.GetElapsedTime(started);
                logger.LogInformation("Vendor sync {ConnectionId} ({Kind}) of tenant {TenantId}: {Organizations} organisations, {Items} items in {Duration} ms",
                    connectionId, connection.Kind, tenantId, fetch.Organizations.Count, items, (long)duration.TotalMilliseconds);
                return new Outcome(run.Id, SyncStatus.Succeeded, null, fetch.Organizations.Count, items, duration);
            }
            finally
            {
                tracker.End(progress);
            }
        }

        /// <summary>The sync's organisations, snapshots, usage keys and success, with what the hooks add, in one transaction.</summary>
        private async Task SaveSucceededAsync(AppDbContext db, VendorConnection connection, SyncRun run, SyncProgressTracker.Progress progress, VendorFetch fetch, int items, bool firstSuccess, long started, CancellationToken cancellationToken)
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var finished = time.GetUtcNow().UtcDateTime;
            await UpsertOrganizationsAsync(db, connection, fetch, finished, cancellationToken);
            WriteSnapshots(db, connection, run, fetch, finished);
            await UpsertUsageKeysAsync(db, connection, fetch, cancellationToken);

            run.Status = SyncStatus.Succeeded;
            run.FinishedUtc = finished;
            run.Organizations = fetch.Organizations.Count;
            run.Pages = progress.Pages;
            run.Items = items;
            connection.LastStatus = SyncStatus.Succeeded;
            connection.LastSuccessUtc = finished;
            connection.LastError = null;
            connection.LastDurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            connection.LastItemsFetched = items;
            connection.LastOrganizations = fetch.Organizations.Count;
            await db.SaveChangesAsync(cancellationToken);

            foreach (var hook in hooks)
            {
                await hook.OnSyncedAsync(db, connection, firstSuccess, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        public ConnectionRuntime Runtime(VendorConnection c) => new(
            c.Id,
            c.TenantId,
            c.Kind,
            new Uri(c.BaseUrl),
            c.TokenUrl is null ? null : new Uri(c.TokenUrl),
            c.InventoryPath,
            protector.Unprotect(c.ProtectedCredentials),
            new ConnectionLimits(c.RequestsPerMinute, c.PageSize, c.TimeoutSeconds, c.MaxRetries),
            c.SettingsVersion);

        /// <summary>A vendor answer we cannot bill from is a failure, not a quiet wrong number.</summary>
        private static void Check(VendorFetch fetch)
        {
            var duplicate = fetch.Organizations.GroupBy(o => o.ExternalId).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new VendorSyncException($"The vendor returned organisation {duplicate.Key} twice; the sync was not saved.");
            }

            var tooLong = fetch.Organizations.FirstOrDefault(o => o.ExternalId.Length > VendorOrganization.ExternalIdMaxLength);
            if (tooLong is not null)
            {
                throw new VendorSyncException($"The vendor returned an organisation id longer than {VendorOrganization.ExternalIdMaxLength} characters; the sync was not saved.");
            }
        }

        private async Task<Outcome> FailAsync(AppDbContext db, VendorConnection connection, SyncRun run, SyncProgressTracker.Progress progress, string error, long started, CancellationToken cancellationToken)
        {
            var message = error.Length > VendorConnection.ErrorMaxLength ? error[..VendorConnection.ErrorMaxLength] : error;
            var finished = time.GetUtcNow().UtcDateTime;
            run.Status = SyncStatus.Failed;
            run.FinishedUtc = finished;
            run.Error = message;
            run.Pages = progress.Pages;
            run.Items = progress.Items;
            connection.LastStatus = SyncStatus.Failed;
            connection.LastFailureUtc = finished;
            connection.LastError = message;
            connection.LastDurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            // Whatever happened to the caller, the failure must be on record.
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogWarning("Vendor sync {ConnectionId} ({Kind}) of tenant {TenantId} failed: {Error}", connection.Id, connection.Kind, connection.TenantId, message);
            return new Outcome(run.Id, SyncStatus.Failed, message, progress.OrganizationCount, progress.Items, time.GetElapsedTime(started));
        }

        private static async Task UpsertOrganizationsAsync(AppDbContext db, VendorConnection connection, VendorFetch fetch, DateTime now, CancellationToken cancellationToken)
        {
            var existing = await db.VendorOrganizations.Where(o => o.ConnectionId == connection.Id).ToDictionaryAsync(o => o.ExternalId, StringComparer.Ordinal, cancellationToken);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var needSuggestion = new List<VendorOrganization>();
            foreach (var fetched in fetch.Organizations)
            {
                seen.Add(fetched.ExternalId);
                var name = Truncate(fetched.Name, VendorOrganization.NameMaxLength);
                if (!existing.TryGetValue(fetched.ExternalId, out var org))
                {
                    org = new VendorOrganization { ConnectionId = connection.Id, ExternalId = fetched.ExternalId, Name = name, FirstSeenUtc = now };
                    db.VendorOrganizations.Add(org);
                }

                org.Name = name;
                org.Active = true;
                org.LastSeenUtc = now;
                if (org.ClientId is null && !org.Ignored)
                {
                    needSuggestion.Add(org);
                }
            }

            foreach (var gone in existing.Values.Where(o => !seen.Contains(o.ExternalId)))
            {
                gone.Active = false;
            }

            if (needSuggestion.Count > 0)
            {
                var clients = await db.Clients.Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken);
                var matcher = new NameMatcher<Guid>(clients.Select(c => (c.Name, c.Id)));
                foreach (var org in needSuggestion)
                {
                    var best = matcher.Best(org.Name);
                    org.SuggestedClientId = best?.Value;
                    org.SuggestionScore = best?.Score;
                }
            }
        }

        private static void WriteSnapshots(AppDbContext db, VendorConnection connection, SyncRun run, VendorFetch fetch, DateTime now)
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                foreach (var metric in fetch.Metrics)
                {
                    db.CountSnapshots.Add(new CountSnapshot
                    {
                        ConnectionId = connection.Id,
                        SyncRunId = run.Id,
                        OrganizationExternalId = metric.OrganizationExternalId,
                        Metric = metric.Metric,
                        TakenUtc = now,
                        Count = Counting.DefaultCount(metric.Assets, metric.Licences),
                        Assets = [.. metric.Assets],
                        Licences = [.. metric.Licences],
                    });
                }
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = true;
            }
        }

        /// <summary>Every product and asset class the vendor reports becomes a usage key, offered for mapping to a catalog item.</summary>
        private static async Task UpsertUsageKeysAsync(AppDbContext db, VendorConnection connection, VendorFetch fetch, CancellationToken cancellationToken)
        {
            var keys = new Dictionary<(string Metric, string Key), (string Name, string Match)>();
            foreach (var metric in fetch.Metrics)
            {
                foreach (var licence in metric.Licences.Where(l => l.Counted))
                {
                    var name = Truncate(MicrosoftSkus.DisplayName(licence), VendorOrganization.NameMaxLength);
                    keys.TryAdd((metric.Metric, licence.ProductId), (name, name));
                }

                foreach (var asset in metric.Assets.Where(a => a.Counted))
                {
                    keys.TryAdd((metric.Metric, Counting.UsageKey(metric.Metric, asset)),
                        (Counting.UsageName(connection.Kind, metric.Metric, asset.Class), Counting.UsageMatchText(connection.Kind, metric.Metric, asset.Class)));
                }
            }

            var existing = await db.UsageMappings.Where(m => m.ConnectionId == connection.Id).ToListAsync(cancellationToken);
            var fresh = keys.Where(k => !existing.Any(e => e.Metric == k.Key.Metric && e.Key == k.Key.Key)).ToList();
            if (fresh.Count == 0)
            {
                return;
            }

            var items = await db.CatalogItems.Select(i => new { i.Id, i.Name }).ToListAsync(cancellationToken);
            var matcher = new NameMatcher<Guid>(items.Select(i => (i.Name, i.Id)));
            foreach (var ((metric, key), (name, match)) in fresh)
            {
                var best = matcher.Best(match, minimumScore: 70);
                db.UsageMappings.Add(new UsageMapping
                {
                    ConnectionId = connection.Id,
                    Metric = metric,
                    Key = Truncate(key, VendorOrganization.ExternalIdMaxLength),
                    Name = name,
                    SuggestedCatalogItemId = best?.Value,
                    SuggestionScore = best?.Score,
                });
            }
        }

        /// <summary>Keeps the newest runs' snapshots and the last run of each month (the month's evidence); deletes the rest.</summary>
        private static async Task PruneAsync(AppDbContext db, Guid connectionId, CancellationToken cancellationToken)
        {
            var runs = await db.SyncRuns.Where(r => r.ConnectionId == connectionId && r.Status == SyncStatus.Succeeded)
                .Select(r => new { r.Id, r.StartedUtc }).ToListAsync(cancellationToken);
            var keep = runs.OrderByDescending(r => r.StartedUtc).Take(KeepRecentRuns).Select(r => r.Id)
                .Concat(runs.GroupBy(r => (r.StartedUtc.Year, r.StartedUtc.Month)).Select(g => g.MaxBy(r => r.StartedUtc)!.Id))
                .ToHashSet();
            var drop = runs.Where(r => !keep.Contains(r.Id)).Select(r => r.Id).ToList();
            if (drop.Count > 0)
            {
                await db.CountSnapshots.Where(s => s.ConnectionId == connectionId && drop.Contains(s.SyncRunId)).ExecuteDeleteAsync(cancellationToken);
            }

            // Failed runs and the history of runs older than the kept ones only matter for a while.
            var horizon = runs.Count == 0 ? DateTime.MinValue : runs.Max(r => r.StartedUtc).AddDays(-30);
            await db.SyncRuns.Where(r => r.ConnectionId == connectionId && r.StartedUtc < horizon && !keep.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
    }
}

/// <summary>One sync per connection at a time within this process (keyed by connection id).</summary>
public sealed class SyncLocks : Common.KeyedLocks;
