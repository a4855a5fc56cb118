using System.Security.Cryptography;
using System.Text;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Accounting;

/// <summary>Deterministic idempotency keys (tenant, period, client, document version) and their name-based UUIDs.</summary>
public static class PostingKeys
{
    /// <summary>The namespace of Command Center's name-based UUIDs (RFC 9562 version 5).</summary>
    private static readonly Guid Namespace = new("6d1f3c2a-8b4e-4f57-9a61-2c8d9e0f1a7b");

    public static string ForInvoice(Guid tenantId, BillingPeriod period, Guid clientId, int version) =>
        $"cc:{tenantId:N}:{period}:{clientId:N}:v{version}";

    public static string ForCorrection(Guid tenantId, BillingPeriod period, Guid clientId, Guid correctionId, int version) =>
        $"cc:{tenantId:N}:{period}:{clientId:N}:c{correctionId:N}:v{version}";

    /// <summary>A version-5 UUID of the key: the same key always gives the same GUID (Conductor's externalId, QBO's requestid).</summary>
    public static Guid NameBased(string key)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(key)];
        Namespace.TryWriteBytes(input[..16], bigEndian: true, out _);
        Encoding.UTF8.GetBytes(key, input[16..]);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 specifies for version 5 UUIDs; it is an identifier, not a security control.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

/// <summary>The target's item a line posts to: its id, its name there and (IIF) its income account.</summary>
public sealed record TargetItem(string Id, string Name, string? IncomeAccount);

/// <summary>
/// What posting needs from the mappings: each client's customer, each catalog item's item, the fallback item, and why
/// an invoice cannot post (unmapped customer or item, a mapping to something no longer in the target). Blockers are per
/// invoice: one unmapped client never holds the others.
/// </summary>
public sealed class PostingMappings
{
    public required AccountingConnection Connection { get; init; }
    public required IReadOnlyDictionary<Guid, (string? Ref, string Name)> Clients { get; init; }
    public required IReadOnlyDictionary<Guid, (string? Ref, string Name)> Items { get; init; }
    public required IReadOnlyDictionary<string, AccountingRecord> Customers { get; init; }
    public required IReadOnlyDictionary<string, AccountingRecord> TargetItems { get; init; }

    private string Target => AccountingEndpoints.DisplayName(Connection.Kind);

    public static async Task<PostingMappings> LoadAsync(AppDbContext db, AccountingConnection connection, IReadOnlyCollection<Guid> clientIds, CancellationToken cancellationToken)
    {
        var ids = clientIds.ToList();
        var clients = await db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.AccountingCustomerRef, c.Name }).ToDictionaryAsync(c => c.Id, c => (c.AccountingCustomerRef, c.Name), cancellationToken);
        var items = await db.CatalogItems.AsNoTracking()
            .Select(i => new { i.Id, i.AccountingItemRef, i.Name }).ToDictionaryAsync(i => i.Id, i => (i.AccountingItemRef, i.Name), cancellationToken);
        var records = await db.AccountingRecords.AsNoTracking().Where(r => r.ConnectionId == connection.Id && r.Active).ToListAsync(cancellationToken);
        return new PostingMappings
        {
            Connection = connection,
            Clients = clients,
            Items = items,
            Customers = records.Where(r => r.Kind == AccountingRecordKinds.Customer).GroupBy(r => r.ExternalId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            TargetItems = records.Where(r => r.Kind == AccountingRecordKinds.Item).GroupBy(r => r.ExternalId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
        };
    }

    /// <summary>Why this invoice cannot be posted (empty when it can).</summary>
    public IReadOnlyList<string> Blockers(Guid clientId, IEnumerable<(Guid? ItemId, string Description)> lines)
    {
        var reasons = new List<string>();
        if (!Clients.TryGetValue(clientId, out var client))
        {
            reasons.Add("The client no longer exists.");
            return reasons;
        }

        if (client.Ref is null)
        {
            reasons.Add($"{client.Name} is not mapped to a customer in {Target} (Settings → Accounting).");
        }
        else if (!Customers.ContainsKey(client.Ref))
        {
            reasons.Add($"{client.Name} is mapped to customer '{client.Ref}', which is no longer in {Target}: import customers again or map it anew.");
        }

        foreach (var (itemId, description) in lines)
        {
            if (Item(itemId) is { } problem)
            {
                var reason = problem.Replace("{line}", description, StringComparison.Ordinal);
                if (!reasons.Contains(reason, StringComparer.Ordinal))
                {
                    reasons.Add(reason);
                }
            }
        }

        return reasons;
    }

    private string? Item(Guid? itemId)
    {
        if (itemId is { } id && Items.TryGetValue(id, out var item))
        {
            return item.Ref is null
                ? $"Catalog item {item.Name} is not mapped to an item in {Target}."
                : TargetItems.ContainsKey(item.Ref) ? null : $"Catalog item {item.Name} is mapped to '{item.Ref}', which is no longer in {Target}.";
        }

        return Connection.FallbackItemRef is null
            ? "Line '{line}' has no catalog item and no item is set for such lines (Settings → Accounting)."
            : TargetItems.ContainsKey(Connection.FallbackItemRef) ? null : $"The item for lines without a catalog item ('{Connection.FallbackItemRef}') is no longer in {Target}.";
    }

    public string CustomerRef(Guid clientId) => Clients[clientId].Ref!;

    public string CustomerName(Guid clientId) => Customers[CustomerRef(clientId)].Name;

    public TargetItem TargetItemFor(Guid? itemId)
    {
        var reference = itemId is { } id && Items.TryGetValue(id, out var item) ? item.Ref! : Connection.FallbackItemRef!;
        var record = TargetItems[reference];
        return new TargetItem(record.ExternalId, record.Name, record.IncomeAccount);
    }
}

/// <summary>Turns an approved invoice (or a correction) into the document a target receives: the preview's lines and amounts, unchanged.</summary>
public static class PostingDocuments
{
    /// <summary>The lines an invoice bills: excluded and removed lines bill nothing and are not posted.</summary>
    public static IEnumerable<InvoiceLine> Billed(Invoice invoice) =>
        invoice.Lines.Where(l => !l.Excluded && l.Change != ChangeKinds.Removed);

    public static PostingDocument ForInvoice(Invoice invoice, BillingPeriod period, string key, string number, PostingMappings mappings, string currency)
    {
        var credit = invoice.Total < 0;
        var lines = Billed(invoice).Select(l =>
        {
            var item = mappings.TargetItemFor(l.ItemId);
            // A credit memo carries what is credited as positive amounts: every line's sign flips, quantities stay.
            var sign = credit ? -1 : 1;
            return new PostingLine(item.Id, item.Name, l.Description, l.Quantity, sign * l.UnitPrice, sign * l.Amount, l.Taxable, item.IncomeAccount);
        }).ToList();
        return new PostingDocument(key, PostingKeys.NameBased(key), credit ? DocumentKind.CreditMemo : DocumentKind.Invoice, number,
            mappings.CustomerRef(invoice.ClientId), mappings.CustomerName(invoice.ClientId), invoice.InvoiceDate, invoice.DueDate,
            $"Command Center {period.Display} ({key})", currency, lines);
    }

    public static PostingDocument ForCorrection(Correction correction, Invoice original, BillingPeriod period, string key, string number, PostingMappings mappings, string currency, DateOnly date)
    {
        var lines = correction.Lines.Select(l =>
        {
            var item = mappings.TargetItemFor(l.ItemId);
            return new PostingLine(item.Id, item.Name, l.Description, l.Quantity, l.UnitPrice, l.Amount, Taxable: false, item.IncomeAccount);
        }).ToList();
        var kind = correction.Kind == CorrectionKind.CreditMemo ? "Credit memo" : "Supplementary invoice";
        return new PostingDocument(key, PostingKeys.NameBased(key), correction.Kind == CorrectionKind.CreditMemo ? DocumentKind.CreditMemo : DocumentKind.Invoice, number,
            mappings.CustomerRef(original.ClientId), mappings.CustomerName(original.ClientId), date, date.AddDays(Math.Max(0, original.DueDate.DayNumber - original.InvoiceDate.DayNumber)),
            $"{kind} for invoice {original.Number} ({period.Display}): {correction.Reason} ({key})", currency, lines);
    }

    /// <summary>The next invoice number from the tenant's settings (prefix + running number, at most 11 characters), advancing it.</summary>
    public static string NextNumber(BillingSettings settings)
    {
        var number = settings.InvoicePrefix + settings.NextInvoiceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (number.Length > BillingSettings.InvoiceNumberMaxLength)
        {
            throw new ConflictException($"The next invoice number {number} is longer than {BillingSettings.InvoiceNumberMaxLength} characters (QuickBooks Desktop's limit): shorten the prefix in Billing settings.");
        }

        settings.NextInvoiceNumber++;
        return number;
    }
}
