using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Psa;

public sealed record ClassTotal(BillingClass BillingClass, int Minutes);

/// <summary>One ticket's billable time: its Billable minutes in the period, rounded, and the amount.</summary>
public sealed record BillableTicket(Guid TicketId, int Number, string Subject, int Minutes, int RoundedMinutes, decimal Rate, decimal Amount);

public sealed record OpenTicketTime(Guid TicketId, int Number, string Subject, int Minutes);

/// <summary>A client's month of time: hours by class, billable amount, block balance before and after, open tickets with time.</summary>
public sealed record UsageView(
    Guid ClientId,
    string ClientName,
    DateOnly PeriodStart,
    decimal HourlyRate,
    int IncrementMinutes,
    int MinimumMinutes,
    IReadOnlyList<ClassTotal> ByClass,
    IReadOnlyList<BillableTicket> BillableTickets,
    BlockDrawdownResult? Blocks,
    IReadOnlyList<OpenTicketTime> OpenTickets)
{
    public decimal BillableAmount => BillableTickets.Sum(t => t.Amount);
    public int OpenMinutes => OpenTickets.Sum(t => t.Minutes);
}

/// <summary>
/// The included-vs-billable view (billing-rules.md, Time): time worked in the month on tickets closed by now, per class;
/// T&amp;M per ticket rounded up to the agreement's increment and minimum, at the client's rate; the block drawdown with
/// overage; time on open tickets as a warning. The billing engine reads the same numbers through this code.
/// </summary>
public static class ClientUsage
{
    public sealed class Handler(TenantDb tenantDb)
    {
        public async Task<UsageView> GetAsync(Guid clientId, int year, int month, CancellationToken cancellationToken = default)
        {
            if (year is < 2000 or > 2100 || month is < 1 or > 12)
            {
                throw ValidationFailedException.For("period", "The period must be a month, YYYY-MM.");
            }

            var start = new DateOnly(year, month, 1);
            var end = start.AddMonths(1);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var client = await db.Clients.AsNoTracking().Include(c => c.Agreement).SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken)
                ?? throw new NotFoundException("Client", clientId);
            var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == client.TenantId, cancellationToken);
            var rate = client.HourlyRate ?? tenant.DefaultHourlyRate;
            var settings = await db.BillingSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? new Billing.BillingSettings();
            var increment = client.Agreement?.TimeIncrementMinutes ?? settings.TimeIncrementMinutes;
            var minimum = client.Agreement?.TicketMinimumMinutes ?? settings.TicketMinimumMinutes;

            var rows = await db.TimeEntries.AsNoTracking()
                .Where(e => e.WorkDate >= start && e.WorkDate < end)
                .Join(db.Tickets.AsNoTracking().Where(t => t.ClientId == clientId), e => e.TicketId, t => t.Id, (e, t) => new { e.Minutes, e.BillingClass, t.Id, t.Number, t.Subject, t.Status })
                .ToListAsync(cancellationToken);
            var closed = rows.Where(r => r.Status == TicketStatus.Closed && r.BillingClass is not null).ToList();
            var byClass = Enum.GetValues<BillingClass>().Select(c => new ClassTotal(c, closed.Where(r => r.BillingClass == c).Sum(r => r.Minutes))).ToList();
            var billable = closed.Where(r => r.BillingClass == BillingClass.Billable)
                .GroupBy(r => (r.Id, r.Number, r.Subject))
                .Select(g =>
                {
                    var minutes = g.Sum(r => r.Minutes);
                    var rounded = TimeRules.RoundedMinutes(minutes, increment, minimum);
                    return new BillableTicket(g.Key.Id, g.Key.Number, g.Key.Subject, minutes, rounded, rate, TimeRules.Amount(rounded, rate));
                })
                .OrderBy(t => t.Number)
                .ToList();
            var open = rows.Where(r => r.Status == TicketStatus.Open).GroupBy(r => (r.Id, r.Number, r.Subject))
                .Select(g => new OpenTicketTime(g.Key.Id, g.Key.Number, g.Key.Subject, g.Sum(r => r.Minutes))).OrderBy(t => t.Number).ToList();

            var blocks = await db.HourBlocks.AsNoTracking().Where(b => b.ClientId == clientId).ToListAsync(cancellationToken);
            BlockDrawdownResult? drawdown = null;
            if (blocks.Count > 0 || byClass.Single(c => c.BillingClass == BillingClass.BlockHour).Minutes > 0)
            {
                var entries = await Tickets.BlockEntriesAsync(db, clientId, end, cancellationToken);
                drawdown = BlockDrawdown.Compute(blocks.Select(Tickets.ToBlock), entries, start, end, increment);
            }

            return new UsageView(clientId, client.Name, start, rate, increment, minimum, byClass, billable, drawdown, open);
        }
    }
}

/// <summary>Prepaid blocks of hours: buy, list with balance, low-balance level.</summary>
public static class HourBlocks
{
    public sealed record Request(Guid ClientId, decimal Hours, decimal Price, DateOnly PurchasedOn, DateOnly? ExpiresOn, decimal OverageRate);

    public sealed record BlockRow(Guid Id, Guid ClientId, string ClientName, decimal Hours, decimal Price, DateOnly PurchasedOn, DateOnly? ExpiresOn, decimal OverageRate, int MinutesRemaining, bool Expired);

    /// <summary>Warnings when a client has used 80 % and 95 % of its block hours.</summary>
    public static string? LowBalanceLevel(decimal hoursBought, int minutesRemaining)
    {
        if (hoursBought <= 0)
        {
            return null;
        }

        var used = 1m - (minutesRemaining / (hoursBought * 60m));
        return used >= 0.95m ? "95" : used >= 0.80m ? "80" : null;
    }

    public sealed class Handler(TenantDb tenantDb, Audit.AuditWriter audit, TimeProvider time)
    {
        public async Task<Guid> CreateAsync(Request request, CancellationToken cancellationToken = default)
        {
            var v = new Validator().Money("price", request.Price, "Price").Money("overageRate", request.OverageRate, "Overage rate");
            if (request.Hours is <= 0 or > 10_000 || decimal.Round(request.Hours, 2) != request.Hours)
            {
                v.Add("hours", "Hours must be more than 0 and at most 10,000, with at most 2 decimals.");
            }

            if (request.ExpiresOn is { } expires && expires <= request.PurchasedOn)
            {
                v.Add("expiresOn", "A block must expire after the day it is bought.");
            }

            v.ThrowIfInvalid();
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (!await db.Clients.AnyAsync(c => c.Id == request.ClientId, cancellationToken))
            {
                throw ValidationFailedException.For("clientId", "No such client.");
            }

            var block = new HourBlock
            {
                ClientId = request.ClientId, Hours = request.Hours, Price = request.Price, PurchasedOn = request.PurchasedOn, ExpiresOn = request.ExpiresOn,
                OverageRate = request.OverageRate, CreatedUtc = time.GetUtcNow().UtcDateTime,
            };
            db.HourBlocks.Add(block);
            audit.Record(db, "block.created", nameof(HourBlock), block.Id, null, request);
            await db.SaveChangesAsync(cancellationToken);
            return block.Id;
        }

        public async Task<IReadOnlyList<BlockRow>> ListAsync(Guid? clientId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var blocks = await db.HourBlocks.AsNoTracking().Where(b => clientId == null || b.ClientId == clientId).ToListAsync(cancellationToken);
            var ids = blocks.Select(b => b.ClientId).Distinct().ToList();
            var names = await db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var rows = new List<BlockRow>();
            var entriesByClient = await Tickets.BlockEntriesAsync(db, ids, today.AddDays(1), cancellationToken);
            foreach (var group in blocks.GroupBy(b => b.ClientId))
            {
                var drawdown = BlockDrawdown.Compute(group.Select(Tickets.ToBlock), entriesByClient[group.Key], today, today.AddDays(1), TimeRules.DefaultIncrementMinutes);
                rows.AddRange(group.Select(b => new BlockRow(b.Id, b.ClientId, names.GetValueOrDefault(b.ClientId, ""), b.Hours, b.Price, b.PurchasedOn, b.ExpiresOn, b.OverageRate,
                    drawdown.Blocks.Single(x => x.BlockId == b.Id).MinutesAfter, b.ExpiresOn is { } e && e <= today)));
            }

            return rows.OrderBy(r => r.ClientName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.PurchasedOn).ToList();
        }
    }
}
