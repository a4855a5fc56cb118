using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Psa;

public sealed record TicketRow(Guid Id, int Number, Guid ClientId, string ClientName, string Subject, TicketStatus Status, string? Technician,
    DateTime OpenedUtc, DateTime? ClosedUtc, BillingClass? BillingClass, int Minutes, int Entries);

public sealed record TimeEntryRow(Guid Id, string Technician, DateOnly WorkDate, int Minutes, string? Notes, BillingClass? BillingClass, string? OverrideReason, string? ExternalId);

/// <summary>A ticket with its time, and what a close would affect (the client's block balance for Block Hour).</summary>
public sealed record TicketDetail(TicketRow Ticket, IReadOnlyList<TimeEntryRow> Entries, int? BlockMinutesRemaining);

/// <summary>Tickets and time: list, open, add time, close with a billing class (required, audited).</summary>
public static class Tickets
{
    public sealed record Query(Guid? ClientId = null, TicketStatus? Status = null, string? Technician = null, bool UnclassifiedTimeOnly = false, string? Search = null, int Page = 1, int PageSize = 50);

    public sealed record CreateRequest(Guid ClientId, string Subject, string? Technician = null, string? ExternalId = null);

    public sealed record TimeRequest(string Technician, DateOnly WorkDate, int Minutes, string? Notes = null);

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<Paged<TicketRow>> ListAsync(Query query, CancellationToken cancellationToken = default)
        {
            var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize, 50);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var tickets = db.Tickets.AsNoTracking();
            if (query.ClientId is { } clientId)
            {
                tickets = tickets.Where(t => t.ClientId == clientId);
            }

            if (query.Status is { } status)
            {
                tickets = tickets.Where(t => t.Status == status);
            }

            if (!string.IsNullOrWhiteSpace(query.Technician))
            {
                var tech = query.Technician.Trim();
                tickets = tickets.Where(t => t.Technician == tech);
            }

            if (query.UnclassifiedTimeOnly)
            {
                tickets = tickets.Where(t => t.Status == TicketStatus.Open && t.TimeEntries.Any());
            }

            if (!string.IsNullOrWhiteSpace(query.Search))
            {
                var term = query.Search.Trim();
                tickets = int.TryParse(term.TrimStart('#'), out var number)
                    ? tickets.Where(t => t.Number == number || t.Subject.Contains(term))
                    : tickets.Where(t => t.Subject.Contains(term));
            }

            var total = await tickets.CountAsync(cancellationToken);
            var rows = await tickets.OrderByDescending(t => t.Status == TicketStatus.Open).ThenByDescending(t => t.Number)
                .Skip((page - 1) * pageSize).Take(pageSize)
                .Select(t => new
                {
                    t.Id, t.Number, t.ClientId, t.Subject, t.Status, t.Technician, t.OpenedUtc, t.ClosedUtc, t.BillingClass,
                    Minutes = t.TimeEntries.Sum(e => e.Minutes),
                    Entries = t.TimeEntries.Count,
                })
                .ToListAsync(cancellationToken);
            var clientIds = rows.Select(r => r.ClientId).Distinct().ToList();
            var names = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
            return new Paged<TicketRow>(rows.Select(r => new TicketRow(r.Id, r.Number, r.ClientId, names.GetValueOrDefault(r.ClientId, ""), r.Subject, r.Status, r.Technician,
                r.OpenedUtc, r.ClosedUtc, r.BillingClass, r.Minutes, r.Entries)).ToList(), total);
        }

        public async Task<TicketDetail> GetAsync(Guid ticketId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var ticket = await db.Tickets.AsNoTracking().Include(t => t.TimeEntries).SingleOrDefaultAsync(t => t.Id == ticketId, cancellationToken)
                ?? throw new NotFoundException("Ticket", ticketId);
            var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == ticket.ClientId, cancellationToken);
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var blockMinutes = await BlockMinutesRemainingAsync(db, ticket.ClientId, today, cancellationToken);
            var row = new TicketRow(ticket.Id, ticket.Number, ticket.ClientId, client.Name, ticket.Subject, ticket.Status, ticket.Technician, ticket.OpenedUtc, ticket.ClosedUtc,
                ticket.BillingClass, ticket.TimeEntries.Sum(e => e.Minutes), ticket.TimeEntries.Count);
            var entries = ticket.TimeEntries.OrderBy(e => e.WorkDate).ThenBy(e => e.CreatedUtc)
                .Select(e => new TimeEntryRow(e.Id, e.Technician, e.WorkDate, e.Minutes, e.Notes, e.BillingClass, e.OverrideReason, e.ExternalId)).ToList();
            return new TicketDetail(row, entries, blockMinutes);
        }

        public async Task<Guid> CreateAsync(CreateRequest request, CancellationToken cancellationToken = default)
        {
            new Validator()
                .Require("subject", request.Subject, Ticket.SubjectMaxLength, "Subject")
                .MaxLength("technician", request.Technician, 256, "Technician")
                .MaxLength("externalId", request.ExternalId, TimeEntry.ExternalIdMaxLength, "External id")
                .ThrowIfInvalid();
            // Two tickets created at the same moment may draw the same number; the unique index refuses one, which tries again.
            for (var attempt = 1; ; attempt++)
            {
                await using var db = await tenantDb.OpenAsync(cancellationToken);
                if (!await db.Clients.AnyAsync(c => c.Id == request.ClientId, cancellationToken))
                {
                    throw ValidationFailedException.For("clientId", "No such client.");
                }

                var ticket = await NewTicketAsync(db, request.ClientId, request.Subject.Trim(), Clean(request.Technician), Clean(request.ExternalId), time.GetUtcNow().UtcDateTime, cancellationToken);
                audit.Record(db, "ticket.created", nameof(Ticket), ticket.Id, null, new { ticket.Number, ticket.Subject, ticket.ClientId });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return ticket.Id;
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                }
            }
        }

        public async Task<Guid> AddTimeAsync(Guid ticketId, TimeRequest request, CancellationToken cancellationToken = default)
        {
            Validate(request, time);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var ticket = await db.Tickets.SingleOrDefaultAsync(t => t.Id == ticketId, cancellationToken) ?? throw new NotFoundException("Ticket", ticketId);
            var entry = new TimeEntry
            {
                TicketId = ticket.Id,
                Technician = request.Technician.Trim(),
                WorkDate = request.WorkDate,
                Minutes = request.Minutes,
                Notes = Clean(request.Notes),
                // Time logged on a closed ticket takes the class the ticket was closed with.
                BillingClass = ticket.BillingClass,
                CreatedUtc = time.GetUtcNow().UtcDateTime,
            };
            db.TimeEntries.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            return entry.Id;
        }

        /// <summary>Closes a ticket with its billing class; every entry not overridden inherits it. No class, no close.</summary>
        public async Task CloseAsync(Guid ticketId, BillingClass? billingClass, CancellationToken cancellationToken = default)
        {
            if (billingClass is null || !Enum.IsDefined(billingClass.Value))
            {
                throw ValidationFailedException.For("billingClass", "Choose a billing class to close the ticket: Included, Billable, Block Hour, Project or Non-billable.");
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var ticket = await db.Tickets.Include(t => t.TimeEntries).SingleOrDefaultAsync(t => t.Id == ticketId, cancellationToken)
                ?? throw new NotFoundException("Ticket", ticketId);
            if (ticket.Status == TicketStatus.Closed)
            {
                throw new ConflictException($"Ticket #{ticket.Number} is already closed as {ticket.BillingClass}.");
            }

            ticket.Status = TicketStatus.Closed;
            ticket.BillingClass = billingClass;
            ticket.ClosedUtc = time.GetUtcNow().UtcDateTime;
            ticket.ClosedBy = db.Actor;
            foreach (var entry in ticket.TimeEntries.Where(e => e.OverrideReason is null))
            {
                entry.BillingClass = billingClass;
            }

            audit.Record(db, "ticket.closed", nameof(Ticket), ticket.Id, new { Status = TicketStatus.Open },
                new { Status = TicketStatus.Closed, BillingClass = billingClass, Minutes = ticket.TimeEntries.Sum(e => e.Minutes), ticket.Number });
            await db.SaveChangesAsync(cancellationToken);
        }

        /// <summary>Bills one entry differently from its ticket; the reason is required and audited.</summary>
        public async Task OverrideClassAsync(Guid entryId, BillingClass billingClass, string? reason, CancellationToken cancellationToken = default)
        {
            new Validator().Require("reason", reason, 500, "Reason").ThrowIfInvalid();
            if (!Enum.IsDefined(billingClass))
            {
                throw ValidationFailedException.For("billingClass", "Unknown billing class.");
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var entry = await db.TimeEntries.SingleOrDefaultAsync(e => e.Id == entryId, cancellationToken) ?? throw new NotFoundException("Time entry", entryId);
            audit.Record(db, "time-entry.classified", nameof(TimeEntry), entry.Id, new { entry.BillingClass }, new { BillingClass = billingClass }, reason);
            entry.BillingClass = billingClass;
            entry.OverrideReason = reason!.Trim();
            await db.SaveChangesAsync(cancellationToken);
        }

        /// <summary>The technicians who logged time or own tickets, for filters.</summary>
        public async Task<IReadOnlyList<string>> TechniciansAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var names = await db.Tickets.Where(t => t.Technician != null).Select(t => t.Technician!).Distinct().ToListAsync(cancellationToken);
            return names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        }
    }

    internal static void Validate(TimeRequest request, TimeProvider time)
    {
        var v = new Validator().Require("technician", request.Technician, 256, "Technician").MaxLength("notes", request.Notes, TimeEntry.NotesMaxLength, "Notes");
        if (request.Minutes is < 1 or > TimeEntry.MaxMinutes)
        {
            v.Add("minutes", "Minutes must be between 1 and 1,440 (one day).");
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (request.WorkDate > today.AddDays(1))
        {
            v.Add("workDate", "Time cannot be logged for a future day.");
        }
        else if (request.WorkDate < today.AddYears(-2))
        {
            v.Add("workDate", "Time more than two years old cannot be logged.");
        }

        v.ThrowIfInvalid();
    }

    internal static async Task<Ticket> NewTicketAsync(AppDbContext db, Guid clientId, string subject, string? technician, string? externalId, DateTime now, CancellationToken cancellationToken)
    {
        // Tickets numbered earlier in this unit of work (an ingest batch) already start above the stored ones.
        var pending = db.ChangeTracker.Entries<Ticket>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.Number).DefaultIfEmpty(0).Max();
        var last = pending > 0 ? pending : await db.Tickets.Select(t => (int?)t.Number).MaxAsync(cancellationToken) ?? 1000;
        var ticket = new Ticket
        {
            ClientId = clientId,
            Number = last + 1,
            Subject = subject,
            Technician = technician,
            ExternalId = externalId,
            Status = TicketStatus.Open,
            OpenedUtc = now,
        };
        db.Tickets.Add(ticket);
        return ticket;
    }

    /// <summary>Minutes left in the client's blocks today (null when it has none).</summary>
    internal static async Task<int?> BlockMinutesRemainingAsync(AppDbContext db, Guid clientId, DateOnly today, CancellationToken cancellationToken)
    {
        var blocks = await db.HourBlocks.AsNoTracking().Where(b => b.ClientId == clientId).ToListAsync(cancellationToken);
        if (blocks.Count == 0)
        {
            return null;
        }

        var entries = await BlockEntriesAsync(db, clientId, today.AddDays(1), cancellationToken);
        var result = BlockDrawdown.Compute(blocks.Select(ToBlock), entries, today, today.AddDays(1), TimeRules.DefaultIncrementMinutes);
        return result.MinutesAfter;
    }

    internal static BlockDrawdown.Block ToBlock(HourBlock b) => new(b.Id, b.PurchasedOn, b.ExpiresOn, b.Hours, b.OverageRate);

    internal static async Task<List<BlockDrawdown.Entry>> BlockEntriesAsync(AppDbContext db, Guid clientId, DateOnly before, CancellationToken cancellationToken) =>
        (await BlockEntriesAsync(db, [clientId], before, cancellationToken))[clientId].ToList();

    /// <summary>The Block Hour time of closed tickets before <paramref name="before"/>, per client, in one query.</summary>
    internal static async Task<ILookup<Guid, BlockDrawdown.Entry>> BlockEntriesAsync(AppDbContext db, IReadOnlyCollection<Guid> clientIds, DateOnly before, CancellationToken cancellationToken)
    {
        var rows = await db.TimeEntries.AsNoTracking()
            .Where(e => e.BillingClass == BillingClass.BlockHour && e.WorkDate < before)
            .Join(db.Tickets.Where(t => clientIds.Contains(t.ClientId) && t.Status == TicketStatus.Closed), e => e.TicketId, t => t.Id, (e, t) => new { t.ClientId, e.WorkDate, e.Minutes })
            .ToListAsync(cancellationToken);
        return rows.ToLookup(r => r.ClientId, r => new BlockDrawdown.Entry(r.WorkDate, r.Minutes));
    }

    internal static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
