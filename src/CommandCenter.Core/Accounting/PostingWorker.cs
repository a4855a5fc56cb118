using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Accounting;

/// <summary>
/// Sends queued documents to the accounting target: one tenant at a time, one document at a time (QuickBooks Desktop
/// processes one request per company file; the others' limits are generous for that pace). Before a request leaves the
/// document is marked "posting" (committed), so after a crash — or a timeout, a dropped connection — it is first read
/// back from the target (matched on its idempotency key / external GUID) and only sent again when the target
/// definitely does not hold it. One document's failure never stops the others. Started with the app, it resumes
/// whatever an earlier process left behind.
/// </summary>
public sealed class PostingWorker(
    IServiceScopeFactory scopes,
    IDbContextFactory<AppDbContext> factory,
    PostingSignal signal,
    Common.Leases leases,
    TimeProvider time,
    ILogger<PostingWorker> logger) : BackgroundService
{
    /// <summary>How often due documents are looked for when nothing wakes the worker.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan[] ReadBackDelays = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Contained: the next round tries again; every document keeps its state in the database.
                logger.LogError(e, "Posting round failed");
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Processes every due document of every tenant once (public for tests).</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        List<Guid> tenants;
        var now = time.GetUtcNow().UtcDateTime;
        await using (var db = factory.CreateDbContext())
        {
            tenants = await Due(db.InvoicePostings.IgnoreQueryFilters([AppDbContext.TenantFilter]), now)
                .Select(p => p.TenantId).Distinct().ToListAsync(cancellationToken);
        }

        foreach (var tenantId in tenants)
        {
            await ProcessTenantAsync(tenantId, cancellationToken);
        }
    }

    /// <summary>How long a request may still be open: the connection's timeout plus a margin.</summary>
    public static TimeSpan InFlightFor(AccountingConnection? connection) =>
        TimeSpan.FromSeconds((connection?.TimeoutSeconds ?? AccountingConnection.DefaultTimeoutSeconds) + 15);

    private static IQueryable<InvoicePosting> Due(IQueryable<InvoicePosting> postings, DateTime now) =>
        postings.Where(p => (p.State == PostingState.Pending || p.State == PostingState.Posting || p.State == PostingState.Uncertain)
            && (p.NextAttemptUtc == null || p.NextAttemptUtc <= now));

    public static string LeaseKey(Guid tenantId) => $"posting:{tenantId}";

    private async Task ProcessTenantAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        // One sender per tenant across every instance on this database: the target sees one document at a time.
        await using var lease = await leases.TryAcquireAsync(LeaseKey(tenantId), cancellationToken: cancellationToken);
        if (lease is null)
        {
            logger.LogDebug("Another instance is posting for tenant {TenantId}", tenantId);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<Postings.Service>();
        List<Guid> due;
        AccountingConnection? connection;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "posting"))
        {
            connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            // A document marked "posting" is somebody's request in flight — this process's before a crash, or another
            // instance's right now. It is read back only once that request must have ended (its timeout and a margin),
            // so two instances never read back and resend the same document while its first request is still open.
            var inFlightSince = now - InFlightFor(connection);
            due = await Due(db.InvoicePostings, now)
                .Where(p => p.State != PostingState.Posting || p.StartedUtc == null || p.StartedUtc < inFlightSince)
                .OrderBy(p => p.QueuedUtc).ThenBy(p => p.Number).Select(p => p.Id).ToListAsync(cancellationToken);
        }

        var target = connection is null ? null : scope.ServiceProvider.GetKeyedService<IAccountingTarget>(connection.Kind);
        AccountingEndpoint? endpoint = null;
        string? unusable = connection is null ? "No accounting system is connected (Settings → Accounting)."
            : target is null ? $"{AccountingEndpoints.DisplayName(connection.Kind)} cannot be posted to by this server."
            : null;
        if (unusable is null)
        {
            try
            {
                endpoint = scope.ServiceProvider.GetRequiredService<AccountingEndpoints>().For(connection!);
            }
            catch (AccountingException e)
            {
                unusable = e.Message;
            }
        }

        foreach (var id in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var db = factory.CreateDbContext().ForTenant(tenantId, "posting");
            var posting = await db.InvoicePostings.SingleAsync(p => p.Id == id, cancellationToken);
            if (!PostingStates.IsActive(posting.State))
            {
                continue;
            }

            if (unusable is not null)
            {
                // Nothing was sent for a pending document; one already sent stays uncertain until it can be read back.
                await service.MarkAsync(db, posting, posting.State == PostingState.Pending ? PostingState.Failed : PostingState.Uncertain, unusable,
                    posting.State == PostingState.Pending ? null : ReadBackDelays[^1], cancellationToken);
                continue;
            }

            await ProcessAsync(db, service, target!, endpoint!, posting, cancellationToken);
        }
    }

    private async Task ProcessAsync(AppDbContext db, Postings.Service service, IAccountingTarget target, AccountingEndpoint endpoint, InvoicePosting posting, CancellationToken cancellationToken)
    {
        if (posting.State is PostingState.Posting or PostingState.Uncertain)
        {
            // It may have landed: ask the target before anything is sent again.
            PostedDocument? found;
            try
            {
                found = await target.FindAsync(endpoint, posting.Document, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = ReadBackDelays[Math.Min(Math.Max(posting.Attempts, 1), ReadBackDelays.Length) - 1];
                await service.MarkAsync(db, posting, PostingState.Uncertain, $"Not known whether it was posted; reading it back failed: {Describe(e)}", delay, cancellationToken);
                return;
            }

            if (found is not null)
            {
                logger.LogInformation("Posting {Number} found in the target by read-back ({ExternalId})", posting.Number, found.ExternalId);
                await service.MarkPostedAsync(db, posting, found, foundByReadBack: true, cancellationToken);
                return;
            }
        }

        // Claimed and committed before the request leaves: a crash from here on is resumed by a read-back.
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.InvoicePostings
            .Where(p => p.Id == posting.Id && p.State == posting.State && p.Attempts == posting.Attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.State, PostingState.Posting).SetProperty(p => p.Attempts, p => p.Attempts + 1)
                .SetProperty(p => p.StartedUtc, now).SetProperty(p => p.NextAttemptUtc, (DateTime?)null), cancellationToken);
        if (claimed == 0)
        {
            return;
        }

        await db.Entry(posting).ReloadAsync(cancellationToken);
        try
        {
            var posted = await target.PostAsync(endpoint, posting.Document, cancellationToken);
            await service.MarkPostedAsync(db, posting, posted, foundByReadBack: false, CancellationToken.None);
        }
        catch (AccountingException e) when (e is AccountingRejectedException or AccountingAuthorizationException)
        {
            await service.MarkAsync(db, posting, PostingState.Failed, e.Message, null, CancellationToken.None);
            if (e is AccountingAuthorizationException)
            {
                // The owner has to connect again: say so on the connection (Settings → Accounting, the Post all dialog, the cockpit).
                var connectionId = endpoint.ConnectionId;
                var message = e.Message.Length > AccountingConnection.ErrorMaxLength ? e.Message[..AccountingConnection.ErrorMaxLength] : e.Message;
                await db.AccountingConnections.Where(c => c.Id == connectionId).ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Status, AccountingStatus.NeedsAuthorization).SetProperty(c => c.LastError, message), CancellationToken.None);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Posting {Number} is uncertain; it will be read back before any retry", posting.Number);
            await service.MarkAsync(db, posting, PostingState.Uncertain, $"No clear answer ({Describe(e)}); it is read back from the target before any retry.", ReadBackDelays[0], CancellationToken.None);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        AccountingException => e.Message,
        TaskCanceledException or TimeoutException => "the target did not answer in time",
        HttpRequestException http => $"the connection failed: {http.Message}",
        _ => e.Message,
    };
}
