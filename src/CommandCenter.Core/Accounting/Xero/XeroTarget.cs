using System.Globalization;
using System.Text.Json;
using CommandCenter.Accounting.Cloud;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Accounting.Xero;

/// <summary>
/// Xero: invoices (<c>PUT /Invoices</c>, Type ACCREC) and credit notes (<c>PUT /CreditNotes</c>, Type ACCRECCREDIT)
/// with <c>Idempotency-Key</c> = the document's key (Xero answers a repeated key with the original response), status
/// AUTHORISED, Reference = the memo plus a short token of the ExternalGuid (matched on read-back, never the number alone).
/// <para>
/// LineAmountTypes is <c>Exclusive</c>: the line amounts we send are the preview's amounts before tax, and tax is the
/// accounting system's job (billing-rules.md "Tax"): taxable lines leave TaxType to the item/account default, other
/// lines send <c>NONE</c>. The posted Total returned is Xero's SubTotal, which equals the preview to the cent
/// (NoTax would also keep the total but would drop the taxable flag). Items are referenced by their Code, so
/// <see cref="ExternalItem.Id"/> is the item Code.
/// </para>
/// </summary>
internal sealed class XeroTarget(IXeroApi api) : IAccountingTarget
{
    public const string Name = "Xero";
    /// <summary>Rows per page; tests lower it to cross pages.</summary>
    internal static int PageSize { get; set; } = 100;

    public async Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) =>
        await Run("the organisation check", false, () => api.GetOrganisation(endpoint, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var customers = new List<ExternalCustomer>();
        for (var page = 1; ; page++)
        {
            var answer = await Run("the contact list", false, () => api.GetContacts(page, PageSize, endpoint, cancellationToken), cancellationToken);
            var contacts = answer.Contacts ?? [];
            customers.AddRange(contacts.Select(c => new ExternalCustomer(c.ContactID, c.Name ?? c.ContactID, c.ContactStatus is null or "ACTIVE", string.IsNullOrEmpty(c.EmailAddress) ? null : c.EmailAddress)));
            if (contacts.Count == 0 || page >= (answer.pagination?.pageCount ?? page) || contacts.Count < PageSize)
            {
                return customers;
            }
        }
    }

    public async Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var items = new List<ExternalItem>();
        for (var page = 1; ; page++)
        {
            var answer = await Run("the item list", false, () => api.GetItems(page, PageSize, endpoint, cancellationToken), cancellationToken);
            var batch = answer.Items ?? [];
            items.AddRange(batch.Where(i => i.IsSold != false && !string.IsNullOrEmpty(i.Code))
                .Select(i => new ExternalItem(i.Code!, i.Name ?? i.Code!, true, "Service", i.SalesDetails?.UnitPrice, i.SalesDetails?.AccountCode)));
            if (batch.Count == 0 || page >= (answer.pagination?.pageCount ?? page) || batch.Count < PageSize)
            {
                return items;
            }
        }
    }

    public async Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
    {
        var lines = document.Lines.Select(Line).ToList();
        var reference = Reference(document);
        var date = Date(document.Date);
        XeroDocument? posted;
        if (document.Kind == DocumentKind.CreditMemo)
        {
            var body = new XeroCreditNotesIn([new XeroCreditNoteIn("ACCRECCREDIT", new XeroContactRef(document.CustomerId), date, "Exclusive",
                document.Number, reference, "AUTHORISED", document.Currency, lines)]);
            posted = (await Run("the credit note", true, () => api.CreateCreditNotes(document.IdempotencyKey, body, endpoint, cancellationToken), cancellationToken))
                .CreditNotes?.FirstOrDefault();
        }
        else
        {
            var body = new XeroInvoicesIn([new XeroInvoiceIn("ACCREC", new XeroContactRef(document.CustomerId), date, Date(document.DueDate), "Exclusive",
                document.Number, reference, "AUTHORISED", document.Currency, lines)]);
            posted = (await Run("the invoice", true, () => api.CreateInvoices(document.IdempotencyKey, body, endpoint, cancellationToken), cancellationToken))
                .Invoices?.FirstOrDefault();
        }

        return posted is null ? throw new AccountingException($"{Name} answered without the created document.") : ToPosted(posted);
    }

    public async Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
    {
        var token = Token(document);
        var found = document.Kind == DocumentKind.CreditMemo
            ? (await Run("the read-back", false, () => api.GetCreditNotes($"CreditNoteNumber==\"{document.Number.Replace("\"", "", StringComparison.Ordinal)}\"", 1, endpoint, cancellationToken), cancellationToken)).CreditNotes
            : (await Run("the read-back", false, () => api.GetInvoices(document.Number, 1, endpoint, cancellationToken), cancellationToken)).Invoices;
        var mine = (found ?? []).FirstOrDefault(d => d.Status is not ("DELETED" or "VOIDED") && d.Reference is { } r && r.EndsWith(token, StringComparison.Ordinal));
        return mine is null ? null : ToPosted(mine);
    }

    /// <summary>Same rule as QBO: the amount is sent as LineAmount and Quantity × UnitAmount must give it exactly, else quantity 1 at the amount.</summary>
    internal static XeroLineItem Line(PostingLine line)
    {
        var exact = line.Quantity * line.UnitPrice == line.Amount && decimal.Round(line.UnitPrice, 4) == line.UnitPrice;
        var description = exact
            ? line.Description
            : string.Create(CultureInfo.InvariantCulture, $"{line.Description} ({line.Quantity:0.####} × {line.UnitPrice:0.00##})");
        return new XeroLineItem(description, exact ? line.Quantity : 1m, exact ? line.UnitPrice : line.Amount,
            string.IsNullOrEmpty(line.ItemId) ? null : line.ItemId, line.IncomeAccount, line.Taxable ? null : "NONE", line.Amount);
    }

    /// <summary>Reference: the memo (cut to fit) and " [cc:…]" with the first 16 hex digits of the ExternalGuid.</summary>
    internal static string Reference(PostingDocument document)
    {
        var token = Token(document);
        var memo = document.Memo ?? "";
        var room = 255 - token.Length - 1;
        return (memo.Length > room ? memo[..room] : memo) + " " + token;
    }

    private static string Token(PostingDocument document) => $"[cc:{document.ExternalGuid:N}]"[..20] + "]";

    private static PostedDocument ToPosted(XeroDocument d) =>
        new(d.InvoiceID ?? d.CreditNoteID ?? "", d.InvoiceNumber ?? d.CreditNoteNumber, d.SubTotal);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<T> Run<T>(string what, bool creating, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (CloudHttp.Translate(Name, what, e, creating, ParseError, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    internal static (string? Message, string? Code) ParseError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var error = JsonSerializer.Deserialize<XeroErrorAnswer>(body, CloudJson.Options);
            var validation = error?.Elements?.SelectMany(e => e.ValidationErrors ?? []).Select(v => v.Message).Where(m => !string.IsNullOrEmpty(m)).ToList();
            if (validation is { Count: > 0 })
            {
                return (string.Join("; ", validation), error!.ErrorNumber?.ToString(CultureInfo.InvariantCulture));
            }

            if ((error?.Message ?? error?.Detail) is { } message)
            {
                return (message, error!.ErrorNumber?.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (JsonException)
        {
            // not Xero's envelope
        }

        return (VendorSync.Http.VendorErrors.MessageFrom(body), null);
    }
}

public static class XeroRegistration
{
    /// <summary>The Xero target, keyed <see cref="AccountingKind.Xero"/>.</summary>
    public static IServiceCollection AddXeroTarget(this IServiceCollection services)
    {
        services.AddCloudAccountingHttp();
        services.AddTransient<XeroAuthHandler>();
        services.AddCloudClient<IXeroApi, XeroAuthHandler>();
        services.AddKeyedScoped<IAccountingTarget, XeroTarget>(AccountingKind.Xero);
        return services;
    }

    /// <summary>Xero's connections endpoint next to the API base (https://api.xero.com/api.xro/2.0 → https://api.xero.com/connections).</summary>
    public static Uri ConnectionsUrl(Uri baseUrl)
    {
        var text = baseUrl.ToString().TrimEnd('/');
        var index = text.LastIndexOf("/api.xro", StringComparison.OrdinalIgnoreCase);
        return new Uri((index >= 0 ? text[..index] : text) + "/connections");
    }
}
