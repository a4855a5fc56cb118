using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>Lists, creates, updates and deletes catalog items; an item still on a line cannot be deleted.</summary>
public static class SaveCatalogItem
{
    public sealed record Request(string Name, decimal UnitPrice, decimal UnitCost = 0, string? AccountingItemRef = null, bool Taxable = false);

    public static void Validate(Request request) =>
        new Validator()
            .Require("name", request.Name, CatalogItem.NameMaxLength, "Name")
            .Money("unitPrice", request.UnitPrice, "Unit price")
            .Money("unitCost", request.UnitCost, "Unit cost")
            .MaxLength("accountingItemRef", request.AccountingItemRef, 100, "Accounting item reference")
            .ThrowIfInvalid();

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<IReadOnlyList<CatalogItemDto>> ListAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var items = await db.CatalogItems.AsNoTracking()
                .Select(i => new CatalogItemDto(i.Id, i.Name, i.UnitPrice, i.UnitCost, i.AccountingItemRef, i.Taxable, db.RecurringLines.Count(l => l.CatalogItemId == i.Id)))
                .ToListAsync(cancellationToken);
            return items.OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ToList();
        }

        public async Task<CatalogItemDto> GetAsync(Guid itemId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await db.CatalogItems.AsNoTracking().Where(i => i.Id == itemId)
                .Select(i => new CatalogItemDto(i.Id, i.Name, i.UnitPrice, i.UnitCost, i.AccountingItemRef, i.Taxable, db.RecurringLines.Count(l => l.CatalogItemId == i.Id)))
                .SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Catalog item", itemId);
        }

        public async Task<Guid> CreateAsync(Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var name = request.Name.Trim();
            await EnsureUniqueNameAsync(db, name, null, cancellationToken);
            var item = new CatalogItem
            {
                Name = name,
                UnitPrice = request.UnitPrice,
                UnitCost = request.UnitCost,
                AccountingItemRef = SaveClient.Clean(request.AccountingItemRef),
                Taxable = request.Taxable,
                CreatedUtc = time.GetUtcNow().UtcDateTime,
            };
            db.CatalogItems.Add(item);
            audit.Record(db, "catalog-item.created", nameof(CatalogItem), item.Id, null, Snapshot(item));
            await db.SaveChangesAsync(cancellationToken);
            return item.Id;
        }

        public async Task UpdateAsync(Guid itemId, Request request, string? reason = null, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var item = await db.CatalogItems.SingleOrDefaultAsync(i => i.Id == itemId, cancellationToken)
                ?? throw new NotFoundException("Catalog item", itemId);
            var name = request.Name.Trim();
            await EnsureUniqueNameAsync(db, name, itemId, cancellationToken);
            var before = Snapshot(item);
            item.Name = name;
            item.UnitPrice = request.UnitPrice;
            item.UnitCost = request.UnitCost;
            item.AccountingItemRef = SaveClient.Clean(request.AccountingItemRef);
            item.Taxable = request.Taxable;
            var after = Snapshot(item);
            if (before != after)
            {
                audit.Record(db, "catalog-item.updated", nameof(CatalogItem), item.Id, before, after, reason);
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        public async Task DeleteAsync(Guid itemId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var item = await db.CatalogItems.SingleOrDefaultAsync(i => i.Id == itemId, cancellationToken)
                ?? throw new NotFoundException("Catalog item", itemId);
            var uses = await db.RecurringLines.CountAsync(l => l.CatalogItemId == itemId, cancellationToken);
            if (uses > 0)
            {
                throw new ConflictException($"'{item.Name}' is used by {uses} recurring line(s); remove those lines first.");
            }

            audit.Record(db, "catalog-item.deleted", nameof(CatalogItem), item.Id, Snapshot(item), null);
            db.CatalogItems.Remove(item);
            await db.SaveChangesAsync(cancellationToken);
        }

        private static async Task EnsureUniqueNameAsync(AppDbContext db, string name, Guid? exceptId, CancellationToken cancellationToken)
        {
            var normalized = Client.Normalize(name);
            if (await db.CatalogItems.AnyAsync(i => i.NormalizedName == normalized && i.Id != exceptId, cancellationToken))
            {
                throw ValidationFailedException.For("name", $"A catalog item named '{name}' already exists.");
            }
        }
    }

    private static ItemSnapshot Snapshot(CatalogItem i) => new(i.Name, i.UnitPrice, i.UnitCost, i.AccountingItemRef, i.Taxable);

    private sealed record ItemSnapshot(string Name, decimal UnitPrice, decimal UnitCost, string? AccountingItemRef, bool Taxable);
}
