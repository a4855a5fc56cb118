using System.Globalization;
using System.Text.Json;
using CommandCenter.Accounting.Cloud;
using CommandCenter.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Accounting.Qbo;

/// <summary>
/// QuickBooks Online: invoices and credit memos created with <c>requestid</c> = the document's ExternalGuid (36
/// characters; QBO answers a repeated requestid with the original response), <c>minorversion=75</c>, the idempotency
/// key on its own line of PrivateNote, and lines whose Amount is the preview's to the cent (QBO insists Amount =
/// Qty × UnitPrice: when the exact product differs, the line goes as quantity 1 at the amount with the quantity and
/// rate in the description). Read-back queries by DocNumber and matches the key in PrivateNote, never the number alone.
/// </summary>
internal sealed class QboTarget(IQboApi api) : IAccountingTarget
{
    public const string Name = "QuickBooks Online";
    private const string KeyPrefix = "Command Center posting key: ";
    /// <summary>Rows per query page (QBO allows up to 1000); tests lower it to cross pages.</summary>
    internal static int PageSize { get; set; } = 1000;

    public async Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var realm = Realm(endpoint);
        await Run("the company check", false, () => api.CompanyInfo(realm, realm, endpoint, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var customers = new List<ExternalCustomer>();
        await PagesAsync(endpoint, "Customer", "", r => customers.AddRange((r.Customer ?? []).Select(c =>
            new ExternalCustomer(c.Id, c.DisplayName ?? c.Id, c.Active, c.PrimaryEmailAddr?.Address))), r => r.Customer?.Count ?? 0, cancellationToken);
        return customers;
    }

    public async Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var items = new List<ExternalItem>();
        await PagesAsync(endpoint, "Item", " where Active = true", r => items.AddRange((r.Item ?? [])
            .Where(i => i.Type is not "Category")
            .Select(i => new ExternalItem(i.Id, i.Name ?? i.Id, i.Active, i.Type, i.UnitPrice, i.IncomeAccountRef?.name))), r => r.Item?.Count ?? 0, cancellationToken);
        return items;
    }

    public async Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
    {
        var realm = Realm(endpoint);
        var body = Body(document);
        var requestId = RequestId(document);
        var posted = document.Kind == DocumentKind.CreditMemo
            ? (await Run("the credit memo", true, () => api.CreateCreditMemo(realm, requestId, body, endpoint, cancellationToken), cancellationToken)).CreditMemo
            : (await Run("the invoice", true, () => api.CreateInvoice(realm, requestId, body, endpoint, cancellationToken), cancellationToken)).Invoice;
        return posted is null
            ? throw new AccountingException($"{Name} answered without the created document.")
            : ToPosted(posted);
    }

    public async Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
    {
        var realm = Realm(endpoint);
        var entity = document.Kind == DocumentKind.CreditMemo ? "CreditMemo" : "Invoice";
        var query = $"select * from {entity} where DocNumber = '{Escape(document.Number)}' STARTPOSITION 1 MAXRESULTS {PageSize}";
        var answer = await Run("the read-back", false, () => api.Query(realm, query, endpoint, cancellationToken), cancellationToken);
        var found = (document.Kind == DocumentKind.CreditMemo ? answer.QueryResponse?.CreditMemo : answer.QueryResponse?.Invoice) ?? [];
        var mine = found.FirstOrDefault(d => CarriesKey(d.PrivateNote, document.IdempotencyKey));
        return mine is null ? null : ToPosted(mine);
    }

    /// <summary>requestid: the ExternalGuid, 36 characters (QBO allows 50).</summary>
    internal static string RequestId(PostingDocument document) => document.ExternalGuid.ToString("D");

    internal static QboDocumentIn Body(PostingDocument document) => new(
        new QboRef(document.CustomerId),
        document.Number,
        Date(document.Date),
        document.Kind == DocumentKind.Invoice ? Date(document.DueDate) : null,
        Note(document),
        string.IsNullOrWhiteSpace(document.Memo) ? null : new QboMemo(Truncate(document.Memo, 1000)),
        [.. document.Lines.Select(Line)]);

    /// <summary>
    /// Amount is never changed. Qty × UnitPrice must give it exactly; otherwise (prorated or rounded lines) the line is
    /// quantity 1 at the amount, and the description carries the real quantity and rate.
    /// </summary>
    internal static QboLine Line(PostingLine line)
    {
        var exact = line.Quantity * line.UnitPrice == line.Amount;
        var description = exact
            ? line.Description
            : string.Create(CultureInfo.InvariantCulture, $"{line.Description} ({line.Quantity:0.####} × {line.UnitPrice:0.00##})");
        return new QboLine("SalesItemLineDetail", line.Amount, Truncate(description, 4000), new QboSalesItemLineDetail(
            new QboRef(line.ItemId),
            exact ? line.Quantity : 1m,
            exact ? line.UnitPrice : line.Amount,
            line.ServiceDate is { } serviceDate ? Date(serviceDate) : null,
            new QboRef(line.Taxable ? "TAX" : "NON")));
    }

    /// <summary>PrivateNote: the memo, then the key on a line of its own (matched as a whole line on read-back).</summary>
    internal static string Note(PostingDocument document) =>
        (string.IsNullOrWhiteSpace(document.Memo) ? "" : Truncate(document.Memo, 3000) + "\n") + KeyPrefix + document.IdempotencyKey;

    internal static bool CarriesKey(string? privateNote, string key) =>
        privateNote is not null && privateNote.Split('\n').Any(l => l.Trim() == KeyPrefix + key);

    private static PostedDocument ToPosted(QboDocument d) => new(d.Id, d.DocNumber, d.TotalAmt - (d.TxnTaxDetail?.TotalTax ?? 0m));

    private async Task PagesAsync(AccountingEndpoint endpoint, string entity, string where, Action<QboQueryResponse> take, Func<QboQueryResponse, int> count, CancellationToken cancellationToken)
    {
        var realm = Realm(endpoint);
        for (var start = 1; ; start += PageSize)
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"select * from {entity}{where} STARTPOSITION {start} MAXRESULTS {PageSize}");
            var answer = await Run($"the {entity.ToLowerInvariant()} list", false, () => api.Query(realm, query, endpoint, cancellationToken), cancellationToken);
            if (answer.QueryResponse is not { } response || count(response) == 0)
            {
                return;
            }

            take(response);
            if (count(response) < PageSize)
            {
                return;
            }
        }
    }

    private static string Realm(AccountingEndpoint endpoint) =>
        endpoint.Credentials.RealmId is { Length: > 0 } realm
            ? realm
            : throw new AccountingAuthorizationException($"{Name} has no company (realm id) yet: connect {Name}.");

    private static async Task<T> Run<T>(string what, bool creating, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (CloudHttp.Translate(Name, what, e, creating, ParseFault, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    internal static (string? Message, string? Code) ParseFault(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var fault = JsonSerializer.Deserialize<QboFaultAnswer>(body, CloudJson.Options)?.Fault;
            if (fault?.Error is [var first, ..])
            {
                var detail = first.Detail is { Length: > 0 } d && d != first.Message ? $" — {d}" : "";
                return ($"{first.Message}{detail}", first.Code);
            }
        }
        catch (JsonException)
        {
            // not QBO's envelope
        }

        return (VendorSync.Http.VendorErrors.MessageFrom(body), null);
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("'", "\\'", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

public static class QboRegistration
{
    /// <summary>The QuickBooks Online target, keyed <see cref="AccountingKind.Qbo"/>.</summary>
    public static IServiceCollection AddQboTarget(this IServiceCollection services)
    {
        services.AddCloudAccountingHttp();
        services.AddTransient<QboAuthHandler>();
        services.AddCloudClient<IQboApi, QboAuthHandler>();
        services.AddKeyedScoped<IAccountingTarget, QboTarget>(AccountingKind.Qbo);
        return services;
    }
}
