using System.Text.Json.Serialization;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Common;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record PostingRowResponse(
    Guid PostingId,
    Guid InvoiceId,
    Guid? CorrectionId,
    Guid ClientId,
    string ClientName,
    string Number,
    string DocumentKind,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Total,
    string State,
    int Attempts,
    int DocumentVersion,
    string? ExternalId,
    string? ExternalNumber,
    string? Error,
    DateTime QueuedUtc,
    DateTime? FinishedUtc)
{
    public static PostingRowResponse From(PostingRow r) => new(r.PostingId, r.InvoiceId, r.CorrectionId, r.ClientId, r.ClientName, r.Number,
        r.DocumentKind == Accounting.DocumentKind.CreditMemo ? "credit-memo" : "invoice", r.Total, r.StateName, r.Attempts, r.DocumentVersion, r.ExternalId,
        r.ExternalNumber, r.Error, r.QueuedUtc, r.FinishedUtc);
}

internal sealed record PostingStatusResponse(
    string Period,
    string RunStatus,
    bool Locked,
    string? Target,
    int Invoices,
    int NotApproved,
    int ReadyToPost,
    int Pending,
    int Posting,
    int Posted,
    int Failed,
    int Uncertain,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal PostedTotal,
    DateTime? LockedUtc,
    IReadOnlyList<PostingRowResponse> Documents,
    IReadOnlyList<IifExportInfo> Exports,
    IReadOnlyList<CorrectionInfo> Corrections)
{
    public static PostingStatusResponse From(PostingStatus s) => new(s.Period.ToString(), s.RunStatus.ToString().ToLowerInvariant(), s.Locked,
        s.Target?.ToString().ToLowerInvariant(), s.Invoices, s.NotApproved, s.ReadyToPost, s.Pending, s.Posting, s.Posted, s.Failed, s.Uncertain, s.PostedTotal,
        s.LockedUtc, [.. s.Rows.Select(PostingRowResponse.From)], s.Exports, s.Corrections);
}

internal sealed record PostRequest(IReadOnlyList<Guid>? InvoiceIds, bool? ConfirmRepeatExport);

internal sealed record PostResponse(int Queued, [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Total, int NotApproved, IReadOnlyList<ApproveSkip> Blocked, Guid? ExportId, string StatusUrl);

internal sealed record ReasonRequest(string? Reason);

internal sealed record CorrectionLineDto(Guid? ItemId, string? Description, decimal? Quantity, decimal? UnitPrice);

internal sealed record CorrectionRequestDto(Guid? InvoiceId, string? Kind, IReadOnlyList<CorrectionLineDto>? Lines, string? Reason)
{
    public CorrectionRequest ToRequest() => new(
        InvoiceId ?? throw ValidationFailedException.For("invoiceId", "Name the posted invoice to correct."),
        Kind?.Trim().ToLowerInvariant() switch
        {
            "credit-memo" or "creditmemo" => CorrectionKind.CreditMemo,
            "supplementary" or "invoice" => CorrectionKind.Supplementary,
            _ => throw ValidationFailedException.For("kind", "kind must be credit-memo or supplementary."),
        },
        [.. (Lines ?? []).Select(l => new CorrectionLineRequest(l.ItemId, l.Description ?? "", l.Quantity ?? 0, l.UnitPrice ?? 0))],
        Reason ?? "");
}

/// <summary>Posting a month to accounting (design.md: `…/post`, `GET …/posting`), reopening and correcting a locked month.</summary>
internal static class PostingApi
{
    public static RouteGroupBuilder MapPostingApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/billing-runs").WithTags("Billing").RequireAuthorization(Policies.ApiBilling);

        runs.MapPost("/{period}/post", async (string period, PostRequest? body, Postings.Handler handler, CancellationToken ct) =>
        {
            var p = BillingPeriod.Parse(period);
            var result = await handler.PostAllAsync(p, body?.InvoiceIds, body?.ConfirmRepeatExport ?? false, ct);
            return TypedResults.Accepted($"/api/v1/billing-runs/{p}/posting",
                new PostResponse(result.Queued, result.Total, result.NotApproved, result.Blocked, result.ExportId, $"/api/v1/billing-runs/{p}/posting"));
        }).WithName("PostBillingRun").WithSummary(
            "Queues the approved invoices (all, or invoiceIds) for posting to the accounting target, exactly once each; invoices held by unmapped customers or items are listed with the reason. Failed ones are sent again as a new version. Progress: GET …/posting.");

        runs.MapGet("/{period}/posting", async (string period, Postings.Handler handler, CancellationToken ct) =>
            await handler.StatusAsync(BillingPeriod.Parse(period), ct) is { } status
                ? Results.Ok(PostingStatusResponse.From(status))
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"No billing run for {period}."))
            .WithName("GetPostingStatus").WithSummary("Each document's posting state (pending | posting | posted | failed | uncertain), its id in the target, and whether the month is locked.");

        runs.MapPost("/{period}/posting/check", async (string period, Postings.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(new { readBack = await handler.CheckNowAsync(BillingPeriod.Parse(period), ct) }))
            .WithName("CheckUncertainPostings").WithSummary("Reads uncertain documents back from the target now.");

        runs.MapPost("/{period}/lock", async (string period, ReasonRequest? body, Postings.Handler handler, CancellationToken ct) =>
        {
            await handler.LockAsync(BillingPeriod.Parse(period), body?.Reason, ct);
            return TypedResults.NoContent();
        }).WithName("LockBillingRun").WithSummary("Locks a reopened month again once its corrections are posted.");

        runs.MapPost("/{period}/corrections", async (string period, CorrectionRequestDto body, Postings.Handler handler, CancellationToken ct) =>
        {
            var p = BillingPeriod.Parse(period);
            var created = await handler.AddCorrectionAsync(p, body.ToRequest(), ct);
            return TypedResults.Created($"/api/v1/billing-runs/{p}/posting", created);
        }).WithName("AddCorrection").WithSummary("A credit memo or supplementary invoice linked to a posted invoice of a reopened month; posted through the same outbox.");

        runs.MapGet("/{period}/exports/{exportId:guid}", async (string period, Guid exportId, Postings.Handler handler, CancellationToken ct) =>
            await handler.ExportFileAsync(BillingPeriod.Parse(period), exportId, ct) is { } export
                ? Results.File(export.Content, "text/plain", export.FileName)
                : Results.Problem(statusCode: 404, title: "Not found", detail: "No such IIF export of this month."))
            .WithName("DownloadIifExport").WithSummary("The IIF file of an export (the ledger keeps each file; importing one twice duplicates invoices in QuickBooks).");
        return api;
    }
}
