using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.VendorSync;

/// <summary>
/// How many suggestions <see cref="Mappings.Handler.AcceptSuggestionsAsync(Guid?, int, CancellationToken)"/> would
/// confirm, so the person accepting them is told the number first. Same predicates as the accept.
/// </summary>
public static class CountSuggestions
{
    public sealed record Result(int Organizations, int UsageKeys)
    {
        public int Total => Organizations + UsageKeys;
    }

    public sealed class Handler(TenantDb tenantDb)
    {
        public async Task<Result> CountAsync(Guid? connectionId, int minimumScore, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var organizations = await db.VendorOrganizations
                .Where(o => o.Active && o.ClientId == null && !o.Ignored && o.SuggestedClientId != null && o.SuggestionScore >= minimumScore)
                .Where(o => connectionId == null || o.ConnectionId == connectionId)
                .CountAsync(cancellationToken);
            var usage = await db.UsageMappings
                .Where(m => m.CatalogItemId == null && m.SuggestedCatalogItemId != null && m.SuggestionScore >= minimumScore)
                .Where(m => connectionId == null || m.ConnectionId == connectionId)
                .CountAsync(cancellationToken);
            return new Result(organizations, usage);
        }
    }
}
