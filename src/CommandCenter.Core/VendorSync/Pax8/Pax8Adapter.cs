using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.Pax8;

/// <summary>
/// Pax8: companies, every subscription (all companies in one paged stream, grouped by companyId) and the products the
/// subscriptions reference (for the Pax8 SKU). Counted = Active, or PendingCancel until its end date.
/// </summary>
internal sealed class Pax8Adapter(IPax8Api api, TimeProvider timeProvider) : IVendorAdapter
{
    public VendorKind Kind => VendorKind.Pax8;

    public async Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection, CancellationToken cancellationToken)
    {
        try
        {
            var page = await VendorCall.RunAsync(connection, "/companies",
                () => api.GetCompanies(connection, 0, 1, cancellationToken), cancellationToken);
            var total = page?.Page?.TotalElements ?? page?.Content?.Count ?? 0;
            return new ConnectionTestResult(true, $"Signed in; {total} companies visible");
        }
        catch (VendorSyncException exception)
        {
            return new ConnectionTestResult(false, exception.Message);
        }
    }

    public async Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress progress, CancellationToken cancellationToken)
    {
        var size = VendorHttpOptions.PageSize(connection);
        var companies = await ReadAllAsync(connection, "/companies", progress, _ => false,
            page => api.GetCompanies(connection, page, size, cancellationToken), cancellationToken);
        progress.Organizations(companies.Count);

        var subscriptions = await ReadAllAsync(connection, "/subscriptions", progress, _ => false,
            page => api.GetSubscriptions(connection, page, size, cancellationToken), cancellationToken);

        // Products only for the SKU of what is subscribed: stop paging once every referenced product was seen.
        var wanted = subscriptions.Select(s => s.ProductId).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var products = new Dictionary<string, Pax8Product>(StringComparer.OrdinalIgnoreCase);
        if (wanted.Count > 0)
        {
            await ReadAllAsync(connection, "/products", progress,
                page =>
                {
                    foreach (var product in page)
                    {
                        products.TryAdd(product.Id, product);
                    }

                    return wanted.All(products.ContainsKey);
                },
                page => api.GetProducts(connection, page, size, cancellationToken), cancellationToken);
        }

        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var orgs = companies
            .DistinctBy(c => c.Id, StringComparer.OrdinalIgnoreCase)
            .Select(c => new FetchedOrganization(c.Id, string.IsNullOrWhiteSpace(c.Name) ? $"Pax8 company {c.Id}" : c.Name.Trim()))
            .ToList();
        var byCompany = subscriptions
            .Where(s => !string.IsNullOrWhiteSpace(s.CompanyId))
            .GroupBy(s => s.CompanyId!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var known = orgs.Select(o => o.ExternalId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var orphan in byCompany.Keys.Where(id => !known.Contains(id)).Order(StringComparer.Ordinal))
        {
            orgs.Add(new FetchedOrganization(orphan, $"Pax8 company {orphan}"));
        }

        var metrics = orgs
            .Select(o => new FetchedMetric(
                o.ExternalId,
                Metrics.Licences,
                [],
                byCompany.TryGetValue(o.ExternalId, out var list)
                    ? list.DistinctBy(s => s.Id).Select(s => ToLicence(s, products, today)).ToList()
                    : []))
            .ToList();
        return new VendorFetch(orgs, metrics);
    }

    internal static LicenceSubscription ToLicence(Pax8Subscription subscription, IReadOnlyDictionary<string, Pax8Product> products, DateOnly today)
    {
        var product = subscription.ProductId is { } productId && products.TryGetValue(productId, out var p) ? p : null;
        var endDate = subscription.EndDate is { } end ? DateOnly.FromDateTime(end.UtcDateTime) : (DateOnly?)null;
        var commitmentEnd = subscription.CommitmentTerm?.EndDate is { } c ? DateOnly.FromDateTime(c.UtcDateTime) : (DateOnly?)null;
        return new LicenceSubscription
        {
            ExternalId = subscription.Id,
            ProductId = subscription.ProductId ?? product?.Id ?? "unknown",
            ProductName = FirstText(subscription.ProductName, product?.Name) ?? subscription.ProductId ?? "Unknown product",
            Sku = product?.Sku,
            VendorSkuId = subscription.VendorSkuId,
            Quantity = subscription.Quantity ?? 0,
            Status = subscription.Status,
            Counted = IsCounted(subscription.Status, endDate, today),
            BillingTerm = subscription.BillingTerm,
            CommitmentTerm = subscription.CommitmentTerm?.Term,
            StartDate = subscription.StartDate is { } start ? DateOnly.FromDateTime(start.UtcDateTime) : null,
            RenewalDate = endDate ?? commitmentEnd,
            UnitPrice = subscription.Price,
            UnitCost = subscription.PartnerCost,
            Currency = subscription.CurrencyCode,
        };
    }

    /// <summary>Active counts; PendingCancel counts until its end date has passed; everything else (Cancelled, Trial, …) does not.</summary>
    internal static bool IsCounted(string? status, DateOnly? endDate, DateOnly today) => status?.Trim() switch
    {
        { } s when s.Equals("Active", StringComparison.OrdinalIgnoreCase) => true,
        { } s when s.Equals("PendingCancel", StringComparison.OrdinalIgnoreCase) => endDate is null || endDate >= today,
        _ => false,
    };

    private static string? FirstText(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <summary>0-based page numbers; loop while number &lt; totalPages - 1; also stop on an empty page or when <paramref name="enough"/> says so.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(
        ConnectionRuntime connection,
        string path,
        ISyncProgress progress,
        Func<List<T>, bool> enough,
        Func<int, Task<Pax8Page<T>>> readPage,
        CancellationToken cancellationToken)
    {
        var all = new List<T>();
        for (var number = 0; ; number++)
        {
            var current = number;
            var what = $"{path} (page {number + 1})";
            var page = await VendorCall.RunAsync(connection, what, () => readPage(current), cancellationToken);
            if (page?.Content is null)
            {
                throw VendorCall.Malformed(connection, what);
            }

            progress.Page(page.Content.Count);
            all.AddRange(page.Content);
            if (page.Content.Count == 0 || enough(page.Content) || page.Page is null || Math.Max(page.Page.Number, current) >= page.Page.TotalPages - 1)
            {
                return all;
            }
        }
    }
}
