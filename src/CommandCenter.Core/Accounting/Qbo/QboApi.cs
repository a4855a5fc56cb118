using System.Text.Json.Serialization;
using CommandCenter.Accounting.Cloud;
using Refit;

namespace CommandCenter.Accounting.Qbo;

/// <summary>QuickBooks Online Accounting API v3 (vendor-apis.md §8.1); BaseUrl https://quickbooks.api.intuit.com.</summary>
internal interface IQboApi
{
    [Post("/v3/company/{realmId}/invoice?minorversion=75")]
    Task<QboInvoiceAnswer> CreateInvoice(string realmId, [Query] string requestid, [Body] QboDocumentIn body,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Post("/v3/company/{realmId}/creditmemo?minorversion=75")]
    Task<QboCreditMemoAnswer> CreateCreditMemo(string realmId, [Query] string requestid, [Body] QboDocumentIn body,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/v3/company/{realmId}/query?minorversion=75")]
    Task<QboQueryAnswer> Query(string realmId, [Query] string query,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/v3/company/{realmId}/companyinfo/{companyId}?minorversion=75")]
    Task<QboCompanyInfoAnswer> CompanyInfo(string realmId, string companyId,
        [Property(CloudRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);
}

internal sealed record QboRef(string? value, string? name = null);

internal sealed record QboMemo(string value);

internal sealed record QboSalesItemLineDetail(QboRef ItemRef, decimal? Qty, decimal? UnitPrice, string? ServiceDate, QboRef? TaxCodeRef);

internal sealed record QboLine(string DetailType, decimal Amount, string? Description, QboSalesItemLineDetail? SalesItemLineDetail);

internal sealed record QboDocumentIn(
    QboRef CustomerRef,
    string? DocNumber,
    string? TxnDate,
    string? DueDate,
    string? PrivateNote,
    QboMemo? CustomerMemo,
    IReadOnlyList<QboLine> Line);

internal sealed record QboTxnTaxDetail(decimal? TotalTax);

internal sealed record QboDocument(string Id, string? DocNumber, decimal TotalAmt, string? PrivateNote, QboRef? CustomerRef, string? TxnDate, QboTxnTaxDetail? TxnTaxDetail);

internal sealed record QboInvoiceAnswer(QboDocument? Invoice);

internal sealed record QboCreditMemoAnswer(QboDocument? CreditMemo);

internal sealed record QboEmail(string? Address);

internal sealed record QboCustomer(string Id, string? DisplayName, bool Active, QboEmail? PrimaryEmailAddr);

internal sealed record QboItem(string Id, string? Name, bool Active, string? Type, decimal? UnitPrice, QboRef? IncomeAccountRef);

internal sealed record QboQueryResponse(
    List<QboCustomer>? Customer,
    List<QboItem>? Item,
    List<QboDocument>? Invoice,
    List<QboDocument>? CreditMemo,
    int? startPosition,
    int? maxResults);

internal sealed record QboQueryAnswer(QboQueryResponse? QueryResponse);

internal sealed record QboCompanyInfo(string? CompanyName);

internal sealed record QboCompanyInfoAnswer(QboCompanyInfo? CompanyInfo);

internal sealed record QboFaultError(string? Message, string? Detail, [property: JsonPropertyName("code")] string? Code, [property: JsonPropertyName("element")] string? Element);

internal sealed record QboFault(List<QboFaultError>? Error, [property: JsonPropertyName("type")] string? Type);

internal sealed record QboFaultAnswer(QboFault? Fault);

/// <summary>Bearer token of the connection (refreshed and rotated by <see cref="OAuthTokens"/>).</summary>
internal sealed class QboAuthHandler(OAuthTokens tokens) : OAuthHandler(tokens)
{
    protected override string Target => "QuickBooks Online";
}
