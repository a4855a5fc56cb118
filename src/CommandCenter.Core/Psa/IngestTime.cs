using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Psa;

/// <summary>
/// Time ingest for MSPs whose time lives in another tool: a batch of entries, each answered on its own (created,
/// duplicate or invalid with reasons), idempotent by the entry's external id. Entries point at a ticket by its id, or
/// by the external ticket id (the ticket is created on first sight with the client and subject given).
/// </summary>
public static class IngestTime
{
    public const int MaxBatch = 5000;

    /// <param name="Errors">Problems found while reading the entry (e.g. minutes that are not a number); reported with the entry's own.</param>
    public sealed record Item(
        string? ExternalId,
        Guid? TicketId,
        string? TicketExternalId,
        Guid? ClientId,
        string? TicketSubject,
        string? Technician,
        DateOnly? WorkDate,
        int? Minutes,
        string? Notes,
        BillingClass? BillingClass,
        IReadOnlyDictionary<string, string[]>? Errors = null);

    public enum ResultStatus
    {
        Created = 0,
        Duplicate = 1,
        Invalid = 2,
    }

    public sealed record ItemResult(int Index, string? ExternalId, ResultStatus Status, Guid? TimeEntryId, Guid? TicketId, IReadOnlyDictionary<string, string[]>? Errors);

    public sealed record Result(int Created, int Duplicates, int Invalid, IReadOnlyList<ItemResult> Items);

    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<Result> IngestAsync(IReadOnlyList<Item?> items, CancellationToken cancellationToken = default)
        {
            if (items.Count == 0)
            {
                throw ValidationFailedException.For("entries", "The batch is empty.");
            }

            if (items.Count > MaxBatch)
            {
                throw ValidationFailedException.For("entries", $"A batch holds at most {MaxBatch:N0} entries; split it.");
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var externalIds = items.Select(i => i?.ExternalId?.Trim()).OfType<string>().Distinct().ToList();
            var existing = await db.TimeEntries.AsNoTracking().Where(e => e.ExternalId != null && externalIds.Contains(e.ExternalId))
                .ToDictionaryAsync(e => e.ExternalId!, e => (e.Id, e.TicketId), cancellationToken);
            var ticketIds = items.Select(i => i?.TicketId).OfType<Guid>().Distinct().ToList();
            var ticketExternalIds = items.Select(i => i?.TicketExternalId?.Trim()).OfType<string>().Distinct().ToList();
            var tickets = await db.Tickets.Where(t => ticketIds.Contains(t.Id) || (t.ExternalId != null && ticketExternalIds.Contains(t.ExternalId))).ToListAsync(cancellationToken);
            var byId = tickets.ToDictionary(t => t.Id);
            var byExternal = tickets.Where(t => t.ExternalId != null).ToDictionary(t => t.ExternalId!, StringComparer.Ordinal);
            var clientIds = items.Select(i => i?.ClientId).OfType<Guid>().Distinct().ToList();
            var clients = (await db.Clients.Where(c => clientIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var results = new List<ItemResult>(items.Count);
            for (var index = 0; index < items.Count; index++)
            {
                var item = items[index];
                var externalId = item?.ExternalId?.Trim();
                var v = new Validator();
                if (item is null)
                {
                    results.Add(new ItemResult(index, null, ResultStatus.Invalid, null, null, Errors(v.Add("entry", "The entry is empty."))));
                    continue;
                }

                v.Require("externalId", externalId, TimeEntry.ExternalIdMaxLength, "External id");
                // A repeat inside the batch is invalid whether or not the first one is stored, so a batch posted
                // again answers the same invalid entries (and the others as duplicates).
                if (externalId is not null && !seen.Add(externalId))
                {
                    v.Add("externalId", $"External id '{externalId}' appears twice in this batch.");
                }
                else if (externalId is not null && existing.TryGetValue(externalId, out var stored))
                {
                    results.Add(new ItemResult(index, externalId, ResultStatus.Duplicate, stored.Id, stored.TicketId, null));
                    continue;
                }

                var unreadable = item.Errors ?? new Dictionary<string, string[]>();
                foreach (var (field, messages) in unreadable)
                {
                    foreach (var message in messages)
                    {
                        v.Add(field, message);
                    }
                }

                if (item.WorkDate is null && !unreadable.ContainsKey("workDate"))
                {
                    v.Add("workDate", "Work date is required (YYYY-MM-DD).");
                }

                if (item.Minutes is null && !unreadable.ContainsKey("minutes"))
                {
                    v.Add("minutes", "Minutes are required.");
                }

                if (item.BillingClass is { } cls && !Enum.IsDefined(cls))
                {
                    v.Add("billingClass", "Unknown billing class.");
                }

                if (v.IsValid)
                {
                    try
                    {
                        Tickets.Validate(new Tickets.TimeRequest(item.Technician ?? "", item.WorkDate!.Value, item.Minutes!.Value, item.Notes), time);
                    }
                    catch (ValidationFailedException e)
                    {
                        foreach (var (field, messages) in e.Errors)
                        {
                            foreach (var message in messages)
                            {
                                v.Add(field, message);
                            }
                        }
                    }
                }

                var ticket = unreadable.ContainsKey("ticketId") || unreadable.ContainsKey("clientId") ? null : ResolveTicket(item, v, byId, byExternal, clients);
                if (!v.IsValid || ticket is null)
                {
                    results.Add(new ItemResult(index, externalId, ResultStatus.Invalid, null, null, Errors(v)));
                    continue;
                }

                if (ticket.Id == Guid.Empty || db.Entry(ticket).State == EntityState.Detached)
                {
                    var created = await Tickets.NewTicketAsync(db, item.ClientId!.Value, item.TicketSubject!.Trim(), Tickets.Clean(item.Technician), item.TicketExternalId!.Trim(), now, cancellationToken);
                    byExternal[created.ExternalId!] = created;
                    ticket = created;
                }

                var entry = new TimeEntry
                {
                    TicketId = ticket.Id,
                    Technician = item.Technician!.Trim(),
                    WorkDate = item.WorkDate!.Value,
                    Minutes = item.Minutes!.Value,
                    Notes = Tickets.Clean(item.Notes),
                    BillingClass = item.BillingClass ?? ticket.BillingClass,
                    OverrideReason = item.BillingClass is not null && ticket.BillingClass is not null && item.BillingClass != ticket.BillingClass ? "Classified in the source system" : null,
                    ExternalId = externalId,
                    CreatedUtc = now,
                };
                db.TimeEntries.Add(entry);
                results.Add(new ItemResult(index, externalId, ResultStatus.Created, entry.Id, ticket.Id, null));
            }

            await db.SaveChangesAsync(cancellationToken);
            return new Result(results.Count(r => r.Status == ResultStatus.Created), results.Count(r => r.Status == ResultStatus.Duplicate), results.Count(r => r.Status == ResultStatus.Invalid), results);
        }

        private static Ticket? ResolveTicket(Item item, Validator v, Dictionary<Guid, Ticket> byId, Dictionary<string, Ticket> byExternal, HashSet<Guid> clients)
        {
            if (item.TicketId is { } id)
            {
                if (byId.TryGetValue(id, out var ticket))
                {
                    return ticket;
                }

                v.Add("ticketId", "No such ticket.");
                return null;
            }

            var external = item.TicketExternalId?.Trim();
            if (string.IsNullOrEmpty(external))
            {
                v.Add("ticketId", "Give ticketId, or ticketExternalId (with clientId and ticketSubject for a new ticket).");
                return null;
            }

            if (external.Length > TimeEntry.ExternalIdMaxLength)
            {
                v.Add("ticketExternalId", $"Ticket external id must be at most {TimeEntry.ExternalIdMaxLength} characters.");
                return null;
            }

            if (byExternal.TryGetValue(external, out var known))
            {
                return known;
            }

            if (item.ClientId is not { } clientId || !clients.Contains(clientId))
            {
                v.Add("clientId", "A new ticket needs an existing clientId.");
            }

            if (string.IsNullOrWhiteSpace(item.TicketSubject) || item.TicketSubject.Length > Ticket.SubjectMaxLength)
            {
                v.Add("ticketSubject", $"A new ticket needs a subject of at most {Ticket.SubjectMaxLength} characters.");
            }

            // A placeholder: the caller creates the ticket once the entry is valid.
            return v.IsValid ? new Ticket { Id = Guid.Empty, Subject = "" } : null;
        }

        private static IReadOnlyDictionary<string, string[]> Errors(Validator v) =>
            v.Messages.GroupBy(m => m.Field).ToDictionary(g => g.Key, g => g.Select(m => m.Message).ToArray(), StringComparer.Ordinal);
    }
}
