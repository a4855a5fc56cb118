using CommandCenter.VendorSync.Http;
using Refit;

namespace CommandCenter.VendorSync.Pax8;

/// <summary>Pax8 Partner API (vendor-apis.md §2.2), base https://api.pax8.com/v1. 0-based <c>page</c> + <c>size</c> (≤ 200).</summary>
internal interface IPax8Api
{
    [Get("/companies")]
    Task<Pax8Page<Pax8Company>> GetCompanies(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int page,
        int size,
        CancellationToken cancellationToken);

    [Get("/subscriptions")]
    Task<Pax8Page<Pax8Subscription>> GetSubscriptions(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int page,
        int size,
        CancellationToken cancellationToken);

    [Get("/products")]
    Task<Pax8Page<Pax8Product>> GetProducts(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int page,
        int size,
        CancellationToken cancellationToken);
}
