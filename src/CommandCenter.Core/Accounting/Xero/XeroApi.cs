using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CommandCenter.Accounting.Cloud;
using Refit;

namespace CommandCenter.Accounting.Xero;

/// <summary>Xero Accounting API (vendor-apis.md §8.2); BaseUrl https://api.xero.com/api.xro/2.0; every call carries xero-tenant-id.</summary>
internal interface IXeroApi
{
    [Put("/Invoices?summarizeErrors=true&unitdp=4")]
    Task<XeroInvoicesAnswer> CreateInvoices([Header("Idempotency-Key")] string idempotencyKey, [Body] XeroInvoicesIn body,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Put("/CreditNotes?summarizeErrors=true&unitdp=4")]
    Task<XeroCreditNotesAnswer> CreateCreditNotes([Header("Idempotency-Key")] string idempotencyKey, [Body] XeroCreditNotesIn body,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/Invoices")]
    Task<XeroInvoicesAnswer> GetInvoices([AliasAs("InvoiceNumbers")] string invoiceNumbers, int page,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/CreditNotes")]
    Task<XeroCreditNotesAnswer> GetCreditNotes([AliasAs("where")] string where, int page,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/Contacts")]
    Task<XeroContactsAnswer> GetContacts(int page, int pageSize,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/Items")]
    Task<XeroItemsAnswer> GetItems(int page, int pageSize,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/Organisation")]
    Task<XeroOrganisationsAnswer> GetOrganisation([Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);
}

internal sealed record XeroContactRef(string ContactID, string? Name = null);

internal sealed record XeroLineItem(string? Description, decimal Quantity, decimal UnitAmount, string? ItemCode, string? AccountCode, string? TaxType, decimal LineAmount);

internal sealed record XeroInvoiceIn(
    string Type, XeroContactRef Contact, string Date, string? DueDate, string LineAmountTypes, string? InvoiceNumber, string? Reference,
    string Status, string? CurrencyCode, IReadOnlyList<XeroLineItem> LineItems);

internal sealed record XeroCreditNoteIn(
    string Type, XeroContactRef Contact, string Date, string LineAmountTypes, string? CreditNoteNumber, string? Reference,
    string Status, string? CurrencyCode, IReadOnlyList<XeroLineItem> LineItems);

internal sealed record XeroInvoicesIn(IReadOnlyList<XeroInvoiceIn> Invoices);

internal sealed record XeroCreditNotesIn(IReadOnlyList<XeroCreditNoteIn> CreditNotes);

internal sealed record XeroPagination(int page, int pageSize, int pageCount, int itemCount);

internal sealed record XeroDocument(
    string? InvoiceID, string? CreditNoteID, string? InvoiceNumber, string? CreditNoteNumber, string? Reference, string? Status,
    decimal SubTotal, decimal Total,
    [property: JsonConverter(typeof(XeroDateConverter))] DateTime? Date);

internal sealed record XeroInvoicesAnswer(List<XeroDocument>? Invoices, XeroPagination? pagination);

internal sealed record XeroCreditNotesAnswer(List<XeroDocument>? CreditNotes, XeroPagination? pagination);

internal sealed record XeroContact(string ContactID, string? Name, string? ContactStatus, string? EmailAddress, bool? IsCustomer);

internal sealed record XeroContactsAnswer(List<XeroContact>? Contacts, XeroPagination? pagination);

internal sealed record XeroSalesDetails(decimal? UnitPrice, string? AccountCode, string? TaxType);

internal sealed record XeroItem(string ItemID, string? Code, string? Name, bool? IsSold, XeroSalesDetails? SalesDetails);

internal sealed record XeroItemsAnswer(List<XeroItem>? Items, XeroPagination? pagination);

internal sealed record XeroOrganisation(string? OrganisationID, string? Name);

internal sealed record XeroOrganisationsAnswer(List<XeroOrganisation>? Organisations);

internal sealed record XeroValidationError(string? Message);

internal sealed record XeroElement(List<XeroValidationError>? ValidationErrors);

internal sealed record XeroErrorAnswer(int? ErrorNumber, string? Type, string? Message, List<XeroElement>? Elements, string? Title, string? Detail);

/// <summary>
/// Xero's Microsoft JSON dates: <c>/Date(1743379200000+0000)/</c> (milliseconds since the epoch, optional offset that
/// only says how the instant was displayed) → UTC <see cref="DateTime"/>; also accepts ISO 8601 text. Writes ISO dates.
/// </summary>
public sealed partial class XeroDateConverter : JsonConverter<DateTime?>
{
    [GeneratedRegex(@"^/Date\((?<ms>-?\d+)(?<offset>[+-]\d{4})?\)/$")]
    private static partial Regex Pattern();

    public override bool HandleNull => true;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a /Date()/ string, found {reader.TokenType}.");
        }

        return Parse(reader.GetString());
    }

    public static DateTime? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var match = Pattern().Match(text);
        if (match.Success)
        {
            return DateTime.UnixEpoch.AddMilliseconds(long.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime
            : throw new JsonException($"'{text}' is not a Xero date.");
    }

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteStringValue(v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Bearer token plus <c>xero-tenant-id</c> (the organisation chosen when the owner connected).</summary>
internal sealed class XeroAuthHandler(OAuthTokens tokens) : OAuthHandler(tokens)
{
    protected override string Target => XeroTarget.Name;

    protected override void Apply(HttpRequestMessage request, AccountingEndpoint endpoint, AccountingCredentials credentials)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AccessToken);
        request.Headers.Remove("xero-tenant-id");
        request.Headers.TryAddWithoutValidation("xero-tenant-id", credentials.XeroTenantId
            ?? throw new AccountingAuthorizationException($"{XeroTarget.Name} has no organisation (xero-tenant-id) yet: connect {XeroTarget.Name}."));
    }
}
