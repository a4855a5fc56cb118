namespace CommandCenter.Accounting.Conductor;

// Field names from Conductor's official SDK (vendor-apis.md §6.3). Money arrives as decimal strings ("1250.00"):
// ConductorJson reads them into decimals; requests write them as strings we format ourselves.

internal sealed record ConductorList<T>(string? ObjectType, string? Url, List<T>? Data, string? NextCursor, bool HasMore, int? RemainingCount);

internal sealed record QbdRef(string? Id, string? FullName);

internal sealed record QbdCustomer(string Id, string? Name, string? FullName, bool? IsActive, string? Email);

internal sealed record QbdServiceItem(
    string Id,
    string? Name,
    string? FullName,
    bool? IsActive,
    QbdSalesOrPurchaseDetails? SalesOrPurchaseDetails,
    QbdSalesAndPurchaseDetails? SalesAndPurchaseDetails);

internal sealed record QbdSalesOrPurchaseDetails(string? Description, decimal? Price, QbdRef? PostingAccount);

internal sealed record QbdSalesAndPurchaseDetails(string? SalesDescription, decimal? SalesPrice, QbdRef? IncomeAccount);

/// <summary>An invoice (<c>qbd_invoice</c>) or credit memo (<c>qbd_credit_memo</c>): the fields the read-back needs.</summary>
internal sealed record QbdTransaction(
    string Id,
    string? ObjectType,
    string? ExternalId,
    QbdRef? Customer,
    string? RefNumber,
    string? TransactionDate,
    decimal? Subtotal,
    decimal? SalesTaxTotal,
    decimal? TotalAmount,
    List<QbdTransactionLine>? Lines);

internal sealed record QbdTransactionLine(string? Id, QbdRef? Item, string? Description, decimal? Quantity, decimal? Rate, decimal? Amount);

/// <summary>The create body of an invoice or a credit memo (same fields). Money as strings: rate ≤ 5 dp, amount 2 dp.</summary>
internal sealed record CreateQbdTransaction(
    string CustomerId,
    string TransactionDate,
    string? DueDate,
    string RefNumber,
    string Memo,
    string ExternalId,
    List<CreateQbdLine> Lines);

internal sealed record CreateQbdLine(string? ItemId, string? Description, decimal Quantity, string Rate, string Amount, string? ServiceDate);

internal sealed record ConductorErrorEnvelope(ConductorError? Error);

internal sealed record ConductorError(
    string? Message,
    string? UserFacingMessage,
    string? Type,
    string? Code,
    int? HttpStatusCode,
    string? IntegrationCode,
    string? RequestId);

internal sealed record QbdHealthCheck(string? Status, double? Duration);
