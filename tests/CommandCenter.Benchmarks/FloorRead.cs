using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The floor under building a month's preview: the same queries <see cref="BillingInputs.LoadAsync"/> issues for a whole
/// tenant (same tables, filters, joins and projections, entities read untracked as it reads them), each materialised and
/// nothing more — no lookups by client, no engine inputs assembled, the snapshot evidence left as the JSON text the
/// database returns. Whatever a build costs above this is work the app does, not the database.
/// Keep in step with <see cref="BillingInputs.LoadAsync"/> (whole-tenant path, <c>onlyClients</c> null).
/// </summary>
internal static class FloorRead
{
    /// <summary>Reads every row and returns how many were read (evidence JSON counted in characters beside).</summary>
    public static async Task<(long Rows, long EvidenceChars)> ReadAsync(AppDbContext db, BillingPeriod period, Guid? runId, CancellationToken cancellationToken = default)
    {
        long rows = 0;
        var settings = await BillingSettingsStore.GetOrCreateAsync(db, cancellationToken);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.CurrentTenantId).Select(t => new { t.DefaultHourlyRate }).SingleAsync(cancellationToken);
        var items = await db.CatalogItems.AsNoTracking().Select(i => new { i.Id, i.Name, i.UnitPrice, i.UnitCost, i.Taxable }).ToListAsync(cancellationToken);
        rows += 2 + items.Count;

        var clients = await db.Clients.AsNoTracking().Where(c => c.Status == ClientStatus.Active)
            .Select(c => new { c.Id, c.Name, c.HourlyRate, Agreement = c.Agreement == null ? null : new { c.Agreement.TimeIncrementMinutes, c.Agreement.TicketMinimumMinutes, c.Agreement.PaymentTermsDays } })
            .ToListAsync(cancellationToken);
        rows += clients.Count;

        var start = period.Start;
        var end = period.End;
        var lineRows = await db.RecurringLines.AsNoTracking()
            .Where(l => l.EffectiveFrom < end && (l.EffectiveTo == null || l.EffectiveTo > start))
            .Join(db.Agreements, l => l.AgreementId, a => a.Id, (l, a) => new { Line = l, a.ClientId })
            .ToListAsync(cancellationToken);
        rows += lineRows.Count;

        // The vendor evidence: connections, mapped organisations, the newest snapshot of each (as text).
        var boundConnections = lineRows.Where(x => x.Line.Binding is not null).Select(x => x.Line.SourceConnectionId!.Value).Distinct().ToList();
        var connections = await db.VendorConnections.AsNoTracking().Where(c => boundConnections.Contains(c.Id))
            .Select(c => new { c.Id, c.Name, c.Enabled, c.LastStatus, c.LastError }).ToListAsync(cancellationToken);
        var organizations = await db.VendorOrganizations.AsNoTracking()
            .Where(o => boundConnections.Contains(o.ConnectionId) && o.ClientId != null && o.Active && !o.Ignored)
            .Select(o => new { o.ConnectionId, o.ExternalId, o.Name, ClientId = o.ClientId!.Value })
            .ToListAsync(cancellationToken);
        rows += connections.Count + organizations.Count;
        long evidenceChars = 0;
        if (boundConnections.Count > 0)
        {
            var newest = db.CountSnapshots.AsNoTracking().Where(s => boundConnections.Contains(s.ConnectionId)).Where(s =>
                !db.CountSnapshots.Any(n => n.ConnectionId == s.ConnectionId && n.OrganizationExternalId == s.OrganizationExternalId && n.Metric == s.Metric && n.TakenUtc > s.TakenUtc)
                && db.VendorOrganizations.Any(o => o.ConnectionId == s.ConnectionId && o.ExternalId == s.OrganizationExternalId && o.ClientId != null && o.Active && !o.Ignored));
            var snapshots = newest.Join(SnapshotEvidence.Stored(db), s => s.Id, e => e.Id, (s, e) => new { s.ConnectionId, s.OrganizationExternalId, s.Metric, s.TakenUtc, e.Assets, e.Licences });
            await foreach (var row in snapshots.AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                rows++;
                evidenceChars += (row.Assets?.Length ?? 0) + (row.Licences?.Length ?? 0);
            }
        }

        var entries = await db.TimeEntries.AsNoTracking()
            .Where(e => e.WorkDate >= start && e.WorkDate < end)
            .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new
            {
                t.ClientId, TicketId = t.Id, t.Number, t.Subject, t.Status, TicketClass = t.BillingClass,
                e.WorkDate, e.Minutes, e.BillingClass, e.Technician,
            })
            .ToListAsync(cancellationToken);
        rows += entries.Count;

        var posted = await db.BillingRuns.AsNoTracking().Where(r => r.Status != RunStatus.Open && r.Period < start)
            .Select(r => new { r.Period, r.RefreshedUtc }).ToListAsync(cancellationToken);
        rows += posted.Count;
        var lastPosted = posted.FirstOrDefault(r => r.Period == period.Previous.Start);
        if (lastPosted is not null)
        {
            var from = lastPosted.Period;
            while (posted.Any(r => r.Period == from.AddMonths(-1)))
            {
                from = from.AddMonths(-1);
            }

            var cutoff = lastPosted.RefreshedUtc;
            var late = await db.TimeEntries.AsNoTracking()
                .Where(e => e.WorkDate >= from && e.WorkDate < start)
                .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new
                {
                    t.ClientId, TicketId = t.Id, t.Number, t.Subject, t.Status, TicketClass = t.BillingClass, t.ClosedUtc,
                    e.WorkDate, e.Minutes, e.BillingClass, e.Technician, e.CreatedUtc,
                })
                .Where(x => x.Status == TicketStatus.Closed && (x.ClosedUtc > cutoff || x.CreatedUtc > cutoff))
                .ToListAsync(cancellationToken);
            rows += late.Count;
        }

        var blocks = await db.HourBlocks.AsNoTracking().ToListAsync(cancellationToken);
        var blockClients = blocks.Select(b => b.ClientId).Distinct().ToList();
        rows += blocks.Count;
        if (blockClients.Count > 0)
        {
            rows += (await db.TimeEntries.AsNoTracking()
                .Where(e => e.WorkDate < end)
                .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new { t.ClientId, t.Status, Class = e.BillingClass ?? t.BillingClass, e.WorkDate, e.Minutes })
                .Where(x => x.Status == TicketStatus.Closed && x.Class == BillingClass.BlockHour && blockClients.Contains(x.ClientId))
                .Select(x => new { x.ClientId, x.WorkDate, x.Minutes })
                .ToListAsync(cancellationToken)).Count;
        }

        rows += (await db.OneOffCharges.AsNoTracking().Where(c => c.Date >= start && c.Date < end).ToListAsync(cancellationToken)).Count;
        if (runId is { } rid)
        {
            rows += (await db.Invoices.Where(i => i.RunId == rid).Select(i => i.Id).ToListAsync(cancellationToken)).Count;
        }

        // Last posted invoices: per run, by client, in chunks of 2,000 ids — the loader's queries.
        var postedHeads = await db.Invoices.AsNoTracking()
            .Where(i => i.Status == InvoiceStatus.Posted)
            .Join(db.BillingRuns.Where(r => r.Period < start), i => i.RunId, r => r.Id, (i, r) => new { i.ClientId, i.RunId, r.Period })
            .ToListAsync(cancellationToken);
        rows += postedHeads.Count;
        foreach (var run in postedHeads.GroupBy(h => h.ClientId).Select(g => g.MaxBy(h => h.Period)!).GroupBy(h => h.RunId))
        {
            var postedRunId = run.Key;
            foreach (var chunk in run.Select(h => h.ClientId).Chunk(2000))
            {
                var ids = chunk.ToList();
                rows += (await db.Invoices.AsNoTracking().Where(i => i.RunId == postedRunId && ids.Contains(i.ClientId)).Select(i => new { i.ClientId, i.Total, i.Lines }).ToListAsync(cancellationToken)).Count;
            }
        }

        if (runId is { } runKey)
        {
            rows += (await db.LineAdjustments.AsNoTracking().Where(a => a.RunId == runKey).ToListAsync(cancellationToken)).Count;
        }

        GC.KeepAlive(settings);
        GC.KeepAlive(tenant);
        return (rows, evidenceChars);
    }
}
