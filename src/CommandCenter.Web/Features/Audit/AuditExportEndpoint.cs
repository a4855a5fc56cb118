using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Tenancy;
using CommandCenter.Web.Api;
using Microsoft.AspNetCore.Authorization;

namespace CommandCenter.Web.Features.Audit;

/// <summary>
/// The audit log page's CSV download: the page's filters, for the signed-in user (cookie, Owner or Billing), in the
/// user's tenant. Streamed, so a year of entries never sits in memory. The export is recorded in the log itself
/// (<see cref="AuditLog.ExportedAction"/>): the file carries every client's history, so who took a copy matters.
/// </summary>
internal static class AuditExportEndpoint
{
    public const string Path = "/audit/export.csv";

    public static WebApplication MapAuditExport(this WebApplication app)
    {
        app.MapGet(Path, IResult (string? from, string? to, string? actor, string? action, string? entityType, string? entityId, string? text,
            AuditLog.Handler handler, TimeProvider time, CancellationToken ct) =>
        {
            // Validated before the stream starts, so a bad filter is still a 400 (problem details from ApiErrors).
            var query = AuditQuery.Parse(from, to, actor, action, entityType, entityId, text);
            AuditLog.Validate(query);

            return TypedResults.Stream(
                async stream => await handler.ExportAsync(query, stream, ct),
                "text/csv; charset=utf-8",
                AuditLog.FileName(query, time.GetUtcNow().UtcDateTime));
        })
        .AddEndpointFilter(ApiErrors.FilterAsync)
        .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.OwnerOrBilling })
        .ExcludeFromDescription();
        return app;
    }
}
