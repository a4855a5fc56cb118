using Refit;

namespace CommandCenter.Accounting.Conductor;

/// <summary>
/// Conductor's QuickBooks Desktop API (vendor-apis.md §6), base <c>https://api.conductor.is/v1</c>. Every call carries its
/// <see cref="AccountingEndpoint"/> (base URL, secret key, end user) on the request; the handlers add the headers.
/// </summary>
internal interface IConductorApi
{
    [Get("/quickbooks-desktop/health-check")]
    Task<QbdHealthCheck> HealthCheck([Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint, CancellationToken cancellationToken);

    [Get("/quickbooks-desktop/customers")]
    Task<ConductorList<QbdCustomer>> ListCustomers(
        [Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint,
        int limit,
        string? cursor,
        string? status,
        CancellationToken cancellationToken);

    [Get("/quickbooks-desktop/service-items")]
    Task<ConductorList<QbdServiceItem>> ListServiceItems(
        [Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint,
        int limit,
        string? cursor,
        string? status,
        CancellationToken cancellationToken);

    [Post("/quickbooks-desktop/invoices")]
    Task<QbdTransaction> CreateInvoice([Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint, [Body] CreateQbdTransaction body, CancellationToken cancellationToken);

    [Post("/quickbooks-desktop/credit-memos")]
    Task<QbdTransaction> CreateCreditMemo([Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint, [Body] CreateQbdTransaction body, CancellationToken cancellationToken);

    [Get("/quickbooks-desktop/invoices")]
    Task<ConductorList<QbdTransaction>> ListInvoices(
        [Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint,
        [Query(CollectionFormat.Multi)] string[]? refNumbers,
        [Query(CollectionFormat.Multi)] string[]? customerIds,
        int limit,
        string? cursor,
        CancellationToken cancellationToken);

    [Get("/quickbooks-desktop/credit-memos")]
    Task<ConductorList<QbdTransaction>> ListCreditMemos(
        [Property(ConductorRequest.Endpoint)] AccountingEndpoint endpoint,
        [Query(CollectionFormat.Multi)] string[]? refNumbers,
        [Query(CollectionFormat.Multi)] string[]? customerIds,
        int limit,
        string? cursor,
        CancellationToken cancellationToken);
}
