using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Authorization;

namespace CommandCenter.Web.Features.Billing.Review;

/// <summary>
/// The review page's CSV export: the preview as the page's filters show it, for the signed-in user (cookie, Owner or
/// Billing). The API has its own route for API keys; this one never creates a run. Also the month's IIF files, as the
/// export ledger keeps them (each download is audited).
/// </summary>
internal static class BillingExportEndpoints
{
    public static WebApplication MapBillingExport(this WebApplication app)
    {
        app.MapGet("/billing/{period}/preview.csv", async Task<IResult> (string period, bool? changed, bool? flagged, string? q, BillingRuns.Handler runs, CancellationToken ct) =>
        {
            if (!BillingPeriod.TryParse(period, out var month) || await runs.FindAsync(month, ct) is not { } view)
            {
                return TypedResults.NotFound();
            }

            var bytes = BillingCsv.File(view, new RunFilter(changed ?? false, flagged ?? false, q).Apply(view.Invoices));
            return TypedResults.File(bytes, "text/csv; charset=utf-8", BillingCsv.FileName(view));
        })
        .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.OwnerOrBilling })
        .ExcludeFromDescription();

        app.MapGet("/billing/{period}/exports/{exportId:guid}.iif", async Task<IResult> (string period, Guid exportId, Postings.Handler postings, CancellationToken ct) =>
        {
            if (!BillingPeriod.TryParse(period, out var month) || await postings.ExportFileAsync(month, exportId, ct) is not { } export)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.File(export.Content, "text/plain", export.FileName);
        })
        .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.OwnerOrBilling })
        .ExcludeFromDescription();
        return app;
    }
}
