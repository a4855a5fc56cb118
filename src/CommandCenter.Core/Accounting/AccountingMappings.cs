using CommandCenter.Audit;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Accounting;

/// <summary>
/// Clients ↔ the target's customers and catalog items ↔ its items, by external id (billing-rules.md: customers matched
/// by name create duplicates). Name matches are only suggested; a person maps, one by one or by accepting the shown
/// suggestions. Every change is audited with before and after.
/// </summary>
public static class AccountingMappings
{
    public enum Side
    {
        Customers = 0,
        Items = 1,
    }

    /// <summary>What a mapping points at; <see cref="Problem"/> says why it is broken (null when it is fine).</summary>
    public sealed record Target(string ExternalId, string? Name, bool Exists, bool Active, string? Problem)
    {
        public bool Broken => Problem is not null;
    }

    /// <param name="Reason">"same name" (normalized names equal) or "similar name".</param>
    public sealed record Suggestion(string ExternalId, string Name, string Reason, int Score);

    /// <summary>One client (Side.Customers) or catalog item (Side.Items) and its mapping.</summary>
    public sealed record Row(Guid Id, string Name, Target? Mapped, Suggestion? Suggestion)
    {
        public bool IsMapped => Mapped is { Broken: false };
    }

    public sealed record Option(string ExternalId, string Name, string? Type, decimal? Price);

    public sealed record View(
        bool HasConnection,
        IReadOnlyList<Row> Clients,
        IReadOnlyList<Row> Items,
        IReadOnlyList<Option> Customers,
        IReadOnlyList<Option> ItemOptions)
    {
        public int ClientsMapped => Clients.Count(c => c.IsMapped);
        public int ItemsMapped => Items.Count(i => i.IsMapped);
    }

    public sealed record CustomerMapping(Guid ClientId, string? ExternalId);

    public sealed record ItemMapping(Guid ItemId, string? ExternalId);

    public sealed record Change(Side Side, Guid Id, string Name, string? Before, string? After);

    public sealed record SetResult(IReadOnlyList<Change> Changes);

    /// <summary>Imported records with which clients or catalog items map to each.</summary>
    public sealed record RecordRow(string ExternalId, string Name, bool Active, string? Problem, string? Type, decimal? Price, string? IncomeAccount, DateTime ImportedUtc, IReadOnlyList<MappedBy> MappedBy);

    public sealed record MappedBy(Guid Id, string Name);

    /// <summary>A close name scores at least this (FuzzySharp token sort ratio, 0–100) to be suggested.</summary>
    public const int SimilarMinimumScore = 80;

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit)
    {
        public async Task<View> ListAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await BuildAsync(db, cancellationToken);
        }

        /// <summary>Imported customers (or items) with the clients (or catalog items) mapped to each; paged, by name.</summary>
        public async Task<Paged<RecordRow>> RecordsAsync(Side side, int page = 1, int pageSize = 100, CancellationToken cancellationToken = default)
        {
            (page, pageSize) = Paging.Normalize(page, pageSize);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Accounting connection", "current");
            var kind = side == Side.Customers ? AccountingRecordKinds.Customer : AccountingRecordKinds.Item;
            var records = (await db.AccountingRecords.AsNoTracking().Where(r => r.ConnectionId == connection.Id && r.Kind == kind).ToListAsync(cancellationToken))
                .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.ExternalId, StringComparer.Ordinal).ToList();
            var mapped = side == Side.Customers
                ? await db.Clients.AsNoTracking().Where(c => c.AccountingCustomerRef != null).Select(c => new { Ref = c.AccountingCustomerRef!, c.Id, c.Name }).ToListAsync(cancellationToken)
                : await db.CatalogItems.AsNoTracking().Where(i => i.AccountingItemRef != null).Select(i => new { Ref = i.AccountingItemRef!, i.Id, i.Name }).ToListAsync(cancellationToken);
            var byRef = mapped.ToLookup(m => m.Ref, StringComparer.Ordinal);
            var importedUtc = side == Side.Customers ? connection.CustomersImportedUtc : connection.ItemsImportedUtc;
            var rows = records.Skip((page - 1) * pageSize).Take(pageSize)
                .Select(r => new RecordRow(r.ExternalId, r.Name, r.Active, r.Active ? null : InactiveReason(r, importedUtc), r.Type, r.Price, r.IncomeAccount, r.ImportedUtc,
                    [.. byRef[r.ExternalId].OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).Select(m => new MappedBy(m.Id, m.Name))]))
                .ToList();
            return new Paged<RecordRow>(rows, records.Count);
        }

        /// <summary>Maps (external id) or unmaps (null) clients and catalog items; all entries are checked before any is applied.</summary>
        public async Task<SetResult> SetAsync(IReadOnlyList<CustomerMapping> customers, IReadOnlyList<ItemMapping> items, string? reason = null, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connectionId = await db.AccountingConnections.Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken);
            var activeCustomers = await ActiveAsync(db, connectionId, AccountingRecordKinds.Customer, cancellationToken);
            var activeItems = await ActiveAsync(db, connectionId, AccountingRecordKinds.Item, cancellationToken);
            var clientIds = customers.Select(c => c.ClientId).ToList();
            var itemIds = items.Select(i => i.ItemId).ToList();
            var clients = await db.Clients.Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            var catalog = await db.CatalogItems.Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
            var v = new Validator();
            Check(v, "customers", "client", customers.Select(c => (c.ClientId, c.ExternalId)).ToList(), clients.ContainsKey, activeCustomers, "customer", connectionId is not null);
            Check(v, "items", "catalog item", items.Select(i => (i.ItemId, i.ExternalId)).ToList(), catalog.ContainsKey, activeItems, "item", connectionId is not null);
            v.MaxLength("reason", reason, 1000, "Reason");
            v.ThrowIfInvalid();

            var changes = new List<Change>();
            foreach (var (clientId, externalId) in customers)
            {
                var client = clients[clientId];
                var after = Clean(externalId);
                if (client.AccountingCustomerRef != after)
                {
                    changes.Add(Record(db, Side.Customers, client.Id, client.Name, client.AccountingCustomerRef, after, activeCustomers, reason));
                    client.AccountingCustomerRef = after;
                }
            }

            foreach (var (itemId, externalId) in items)
            {
                var item = catalog[itemId];
                var after = Clean(externalId);
                if (item.AccountingItemRef != after)
                {
                    changes.Add(Record(db, Side.Items, item.Id, item.Name, item.AccountingItemRef, after, activeItems, reason));
                    item.AccountingItemRef = after;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            return new SetResult(changes);
        }

        /// <summary>Applies the suggestions <see cref="ListAsync"/> shows for one side (an explicit act of the owner; each mapping audited).</summary>
        public async Task<SetResult> AcceptSuggestionsAsync(Side side, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var view = await BuildAsync(db, cancellationToken);
            var rows = (side == Side.Customers ? view.Clients : view.Items).Where(r => r.Suggestion is not null).ToList();
            var ids = rows.Select(r => r.Id).ToList();
            var options = (side == Side.Customers ? view.Customers : view.ItemOptions).ToDictionary(o => o.ExternalId, o => o.Name, StringComparer.Ordinal);
            var changes = new List<Change>();
            if (side == Side.Customers)
            {
                var clients = await db.Clients.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
                foreach (var row in rows)
                {
                    var client = clients[row.Id];
                    changes.Add(Record(db, side, client.Id, client.Name, client.AccountingCustomerRef, row.Suggestion!.ExternalId, options, $"Accepted suggestion ({row.Suggestion.Reason})"));
                    client.AccountingCustomerRef = row.Suggestion.ExternalId;
                }
            }
            else
            {
                var items = await db.CatalogItems.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
                foreach (var row in rows)
                {
                    var item = items[row.Id];
                    changes.Add(Record(db, side, item.Id, item.Name, item.AccountingItemRef, row.Suggestion!.ExternalId, options, $"Accepted suggestion ({row.Suggestion.Reason})"));
                    item.AccountingItemRef = row.Suggestion.ExternalId;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            return new SetResult(changes);
        }

        /// <summary>The target's item for lines without a catalog item (null clears it).</summary>
        public async Task SetFallbackItemAsync(string? externalId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Accounting connection", "current");
            var after = Clean(externalId);
            if (after is not null && !await db.AccountingRecords.AnyAsync(r => r.ConnectionId == connection.Id && r.Kind == AccountingRecordKinds.Item && r.ExternalId == after && r.Active, cancellationToken))
            {
                throw ValidationFailedException.For("fallbackItemId", $"'{after}' is not an active item imported from the accounting system.");
            }

            if (connection.FallbackItemRef == after)
            {
                return;
            }

            audit.Record(db, "accounting.mapped", nameof(AccountingConnection), connection.Id, new { FallbackItemId = connection.FallbackItemRef }, new { FallbackItemId = after });
            connection.FallbackItemRef = after;
            await db.SaveChangesAsync(cancellationToken);
        }

        private Change Record(AppDbContext db, Side side, Guid id, string name, string? before, string? after, IReadOnlyDictionary<string, string> names, string? reason)
        {
            audit.Record(db, "accounting.mapped", side == Side.Customers ? nameof(Client) : nameof(CatalogItem), id,
                new { Name = name, ExternalId = before }, new { Name = name, ExternalId = after, ExternalName = after is null ? null : names.GetValueOrDefault(after) }, reason);
            return new Change(side, id, name, before, after);
        }

        private static void Check(Validator v, string list, string what, IReadOnlyList<(Guid Id, string? ExternalId)> entries, Func<Guid, bool> exists,
            IReadOnlyDictionary<string, string> active, string targetWhat, bool hasConnection)
        {
            var seen = new HashSet<Guid>();
            for (var i = 0; i < entries.Count; i++)
            {
                var (id, externalId) = entries[i];
                var idField = list == "customers" ? "clientId" : "itemId";
                if (!exists(id))
                {
                    v.Add($"{list}[{i}].{idField}", $"Entry {i + 1}: no {what} '{id}'.");
                    continue;
                }

                if (!seen.Add(id))
                {
                    v.Add($"{list}[{i}].{idField}", $"Entry {i + 1}: the {what} '{id}' is listed twice.");
                }

                if (Clean(externalId) is { } ext && !active.ContainsKey(ext))
                {
                    v.Add($"{list}[{i}].externalId", hasConnection
                        ? $"Entry {i + 1}: '{ext}' is not an active {targetWhat} imported from the accounting system."
                        : $"Entry {i + 1}: no accounting system is connected; import its {targetWhat}s first.");
                }
            }
        }

        private static async Task<Dictionary<string, string>> ActiveAsync(AppDbContext db, Guid? connectionId, string kind, CancellationToken cancellationToken) =>
            connectionId is null
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : await db.AccountingRecords.AsNoTracking().Where(r => r.ConnectionId == connectionId && r.Kind == kind && r.Active)
                    .ToDictionaryAsync(r => r.ExternalId, r => r.Name, StringComparer.Ordinal, cancellationToken);

        private static async Task<View> BuildAsync(AppDbContext db, CancellationToken cancellationToken)
        {
            var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            var records = connection is null ? [] : await db.AccountingRecords.AsNoTracking().Where(r => r.ConnectionId == connection.Id).ToListAsync(cancellationToken);
            var clients = await db.Clients.AsNoTracking().Where(c => c.Status == ClientStatus.Active).Select(c => new { c.Id, c.Name, Ref = c.AccountingCustomerRef }).ToListAsync(cancellationToken);
            var items = await db.CatalogItems.AsNoTracking().Select(i => new { i.Id, i.Name, Ref = i.AccountingItemRef }).ToListAsync(cancellationToken);
            var clientRows = Rows(clients.Select(c => (c.Id, c.Name, c.Ref)).ToList(), records.Where(r => r.Kind == AccountingRecordKinds.Customer).ToList(), connection?.CustomersImportedUtc);
            var itemRows = Rows(items.Select(i => (i.Id, i.Name, i.Ref)).ToList(), records.Where(r => r.Kind == AccountingRecordKinds.Item).ToList(), connection?.ItemsImportedUtc);
            return new View(connection is not null, clientRows, itemRows, Options(records, AccountingRecordKinds.Customer), Options(records, AccountingRecordKinds.Item));
        }

        private static List<Option> Options(List<AccountingRecord> records, string kind) =>
            [.. records.Where(r => r.Kind == kind && r.Active).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new Option(r.ExternalId, r.Name, r.Type, r.Price))];

        /// <summary>
        /// Rows by name with their mapping and, for unmapped or broken ones, a suggestion among active records no other row
        /// maps to: the same normalized name first, else the closest similar name; a record is suggested to one row only.
        /// </summary>
        private static List<Row> Rows(List<(Guid Id, string Name, string? Ref)> rows, List<AccountingRecord> records, DateTime? importedUtc)
        {
            var byId = records.ToDictionary(r => r.ExternalId, StringComparer.Ordinal);
            var targets = rows.ToDictionary(r => r.Id, r => r.Ref is null ? null : TargetOf(r.Ref, byId, importedUtc));
            var taken = targets.Values.Where(t => t is { Broken: false }).Select(t => t!.ExternalId).ToHashSet(StringComparer.Ordinal);
            var free = records.Where(r => r.Active && !taken.Contains(r.ExternalId)).ToList();
            var matcher = new NameMatcher<AccountingRecord>(free.Select(r => (r.Name, r)));
            var candidates = rows.Where(r => targets[r.Id] is null or { Broken: true })
                .Select(r => (Row: r, Match: matcher.Best(r.Name, SimilarMinimumScore)))
                .Where(x => x.Match is not null)
                .OrderByDescending(x => x.Match!.Value.Score).ThenBy(x => x.Row.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            var suggestions = new Dictionary<Guid, Suggestion>();
            var suggested = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (row, match) in candidates)
            {
                var (record, score) = match!.Value;
                if (suggested.Add(record.ExternalId))
                {
                    suggestions[row.Id] = new Suggestion(record.ExternalId, record.Name, score == 100 ? "same name" : "similar name", score);
                }
            }

            return [.. rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
                .Select(r => new Row(r.Id, r.Name, targets[r.Id], suggestions.GetValueOrDefault(r.Id)))];
        }

        private static Target TargetOf(string externalId, Dictionary<string, AccountingRecord> records, DateTime? importedUtc) =>
            records.TryGetValue(externalId, out var r)
                ? new Target(externalId, r.Name, true, r.Active, r.Active ? null : InactiveReason(r, importedUtc))
                : new Target(externalId, null, false, false, "not among the records imported from the accounting system");

        /// <summary>A record the last import did not see is gone from the target; one it saw inactive is hidden there.</summary>
        private static string InactiveReason(AccountingRecord r, DateTime? importedUtc) =>
            importedUtc is { } at && r.ImportedUtc < at ? AccountingConnections.NoLongerInTarget : AccountingConnections.InactiveInTarget;

        private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
