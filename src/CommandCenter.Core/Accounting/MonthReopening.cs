using CommandCenter.Billing;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Accounting;

/// <summary>Who reopened a locked month for corrections, when and why (from the audit log the reopen wrote).</summary>
public sealed record MonthReopened(string By, DateTime AtUtc, string? Reason);

/// <summary>
/// The latest reopen of a month, for the review page's "Reopened for corrections by …" banner. Read from the audit
/// entry <see cref="Postings.Service.ReopenAsync"/> records, so no column is needed for it.
/// </summary>
public static class MonthReopening
{
    public const string AuditAction = "billing.reopened";

    public sealed class Handler(TenantDb tenantDb)
    {
        public async Task<MonthReopened?> FindAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var run = await db.BillingRuns.AsNoTracking().Where(r => r.Period == period.Start).Select(r => new { r.Id, r.Status }).SingleOrDefaultAsync(cancellationToken);
            if (run is not { Status: RunStatus.Reopened })
            {
                return null;
            }

            var id = run.Id.ToString();
            return await db.AuditEntries.AsNoTracking()
                .Where(a => a.Action == AuditAction && a.EntityType == nameof(BillingRun) && a.EntityId == id)
                .OrderByDescending(a => a.Id)
                .Select(a => new MonthReopened(a.Actor, a.AtUtc, a.Reason))
                .FirstOrDefaultAsync(cancellationToken);
        }
    }
}
