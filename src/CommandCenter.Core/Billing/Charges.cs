using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Billing;

public sealed record ChargeRow(Guid Id, Guid ClientId, string ClientName, DateOnly Date, string Description, Guid? ItemId, string? ItemName, decimal Quantity, decimal UnitPrice, decimal Amount, bool Billed, DateTime CreatedUtc, string? CreatedBy);

/// <summary>One-off charges and credits (billing-rules.md, "Credits, negatives, one-offs"): added for a client and a date, billed once.</summary>
public static class Charges
{
    /// <param name="UnitPrice">Negative for a credit.</param>
    public sealed record Request(Guid ClientId, DateOnly Date, string Description, decimal UnitPrice, decimal Quantity = 1, Guid? ItemId = null, string? Reason = null);

    public sealed record Query(Guid? ClientId = null, BillingPeriod? Period = null, int Page = 1, int PageSize = 100);

    public static void Validate(Request r)
    {
        var v = new Validator()
            .Require("description", r.Description, OneOffCharge.DescriptionMaxLength, "Description")
            .Money("unitPrice", r.UnitPrice, "Unit price", allowNegative: true)
            .Quantity("quantity", r.Quantity, "Quantity")
            .MaxLength("reason", r.Reason, 1000, "Reason");
        if (r.ClientId == Guid.Empty)
        {
            v.Add("clientId", "Choose a client.");
        }

        if (r.UnitPrice == 0)
        {
            v.Add("unitPrice", "A charge needs a price (negative for a credit).");
        }

        if (r.Quantity <= 0)
        {
            v.Add("quantity", "Quantity must be above 0; a credit has a negative price.");
        }

        if (r.Date.Year is < 2000 or > 2100)
        {
            v.Add("date", "The date must be a real date (YYYY-MM-DD).");
        }

        v.ThrowIfInvalid();
    }

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time, BillingRuns.Engine runs)
    {
        public async Task<ChargeRow> GetAsync(Guid chargeId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return (await RowsAsync(db, db.OneOffCharges.AsNoTracking().Where(c => c.Id == chargeId), cancellationToken)).SingleOrDefault()
                ?? throw new NotFoundException("Charge", chargeId);
        }

        public async Task<Paged<ChargeRow>> ListAsync(Query query, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var q = db.OneOffCharges.AsNoTracking();
            if (query.ClientId is { } clientId)
            {
                q = q.Where(c => c.ClientId == clientId);
            }

            if (query.Period is { } period)
            {
                q = q.Where(c => c.Date >= period.Start && c.Date < period.End);
            }

            var total = await q.CountAsync(cancellationToken);
            var pageSize = Math.Clamp(query.PageSize, 1, 1000);
            var page = Math.Max(1, query.Page);
            var paged = q.OrderByDescending(c => c.Date).ThenByDescending(c => c.CreatedUtc).Skip((page - 1) * pageSize).Take(pageSize);
            return new Paged<ChargeRow>(await RowsAsync(db, paged, cancellationToken), total);
        }

        private static async Task<List<ChargeRow>> RowsAsync(AppDbContext db, IQueryable<OneOffCharge> charges, CancellationToken cancellationToken)
        {
            var rows = await charges
                .Select(c => new
                {
                    Charge = c,
                    ClientName = db.Clients.Where(x => x.Id == c.ClientId).Select(x => x.Name).FirstOrDefault(),
                    ItemName = db.CatalogItems.Where(i => i.Id == c.CatalogItemId).Select(i => i.Name).FirstOrDefault(),
                })
                .ToListAsync(cancellationToken);
            return [.. rows.Select(r => new ChargeRow(r.Charge.Id, r.Charge.ClientId, r.ClientName ?? "", r.Charge.Date, r.Charge.Description,
                r.Charge.CatalogItemId, r.ItemName, r.Charge.Quantity, r.Charge.UnitPrice, r.Charge.Amount, r.Charge.BilledInvoiceId is not null, r.Charge.CreatedUtc, r.Charge.CreatedBy))];
        }

        public async Task<Guid> AddAsync(Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (!await db.Clients.AnyAsync(c => c.Id == request.ClientId, cancellationToken))
            {
                throw ValidationFailedException.For("clientId", "That client does not exist.");
            }

            if (request.ItemId is { } itemId && !await db.CatalogItems.AnyAsync(i => i.Id == itemId, cancellationToken))
            {
                throw ValidationFailedException.For("itemId", "That catalog item does not exist.");
            }

            var period = BillingPeriod.Of(request.Date);
            if (await db.BillingRuns.AnyAsync(r => r.Period == period.Start && r.Status != RunStatus.Open, cancellationToken))
            {
                throw ValidationFailedException.For("date", $"{period.Display} is posted and locked; date the charge in an open month.");
            }

            var charge = new OneOffCharge
            {
                ClientId = request.ClientId,
                Date = request.Date,
                Description = request.Description.Trim(),
                CatalogItemId = request.ItemId,
                Quantity = request.Quantity,
                UnitPrice = request.UnitPrice,
                CreatedUtc = time.GetUtcNow().UtcDateTime,
                CreatedBy = db.Actor,
            };
            db.OneOffCharges.Add(charge);
            audit.Record(db, charge.UnitPrice < 0 ? "billing.credit-added" : "billing.charge-added", nameof(OneOffCharge), charge.Id, null,
                new { charge.ClientId, charge.Date, charge.Description, charge.Quantity, charge.UnitPrice, charge.Amount, charge.CatalogItemId }, request.Reason);
            await db.SaveChangesAsync(cancellationToken);
            await RecomputeOpenRunAsync(db, period, charge.ClientId, cancellationToken);
            return charge.Id;
        }

        public async Task DeleteAsync(Guid chargeId, string? reason, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var charge = await db.OneOffCharges.SingleOrDefaultAsync(c => c.Id == chargeId, cancellationToken) ?? throw new NotFoundException("Charge", chargeId);
            if (charge.BilledInvoiceId is not null)
            {
                throw new ConflictException("That charge is billed on a posted invoice; correct it with a credit instead.");
            }

            audit.Record(db, "billing.charge-deleted", nameof(OneOffCharge), charge.Id,
                new { charge.ClientId, charge.Date, charge.Description, charge.Quantity, charge.UnitPrice, charge.Amount }, null, reason);
            db.OneOffCharges.Remove(charge);
            await db.SaveChangesAsync(cancellationToken);
            await RecomputeOpenRunAsync(db, BillingPeriod.Of(charge.Date), charge.ClientId, cancellationToken);
        }

        /// <summary>An open run of the charge's month takes it at once (its draft invoice is rebuilt; an approved one says newer data is available).</summary>
        private async Task RecomputeOpenRunAsync(AppDbContext db, BillingPeriod period, Guid clientId, CancellationToken cancellationToken)
        {
            if (await db.BillingRuns.AnyAsync(r => r.Period == period.Start && r.Status == RunStatus.Open, cancellationToken))
            {
                await runs.RecomputeClientsAsync(db, period, [clientId], "charge", cancellationToken);
            }
        }
    }
}
