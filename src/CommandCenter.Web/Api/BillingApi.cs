using System.Text.Json.Serialization;
using CommandCenter.Billing;
using CommandCenter.Common;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record RunTotalsResponse(
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Total,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? PreviousTotal,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? Change,
    int Invoices,
    int Changed,
    int Flagged,
    int OpenFlags,
    int Approved,
    int CreditMemos)
{
    public static RunTotalsResponse From(RunTotals t) => new(t.Total, t.PreviousTotal, t.Change, t.Invoices, t.Changed, t.Flagged, t.OpenFlags, t.Approved, t.CreditMemos);
}

internal sealed record ProvenanceResponse(
    string Source,
    string? Metric,
    DateTime? SnapshotUtc,
    string Rule,
    decimal? Count,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> NotCounted,
    IReadOnlyList<string> Organizations,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    int? DaysActive,
    int? DaysInPeriod,
    int? BlockMinutesBefore,
    int? BlockMinutesAfter);

internal sealed record LineResponseDto(
    string Key,
    string Kind,
    Guid? ItemId,
    string? ItemName,
    string Description,
    decimal Quantity,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal UnitPrice,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Amount,
    string Change,
    decimal? PreviousQuantity,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? PreviousAmount,
    decimal QuantityDelta,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal AmountDelta,
    bool Highlighted,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<LineFlag> Flags,
    bool NeedsDecision,
    string? Decision,
    string? DecisionReason,
    bool Excluded,
    bool Taxable,
    ProvenanceResponse Provenance)
{
    public static LineResponseDto From(InvoiceLine l)
    {
        var p = l.Provenance;
        return new(l.Key, l.Kind, l.ItemId, l.ItemName, l.Description, l.Quantity, l.UnitPrice, l.Excluded ? 0 : l.Amount, l.Change, l.PreviousQuantity, l.PreviousAmount,
            l.QuantityDelta, l.AmountDelta, l.Highlighted, l.Reasons, l.Flags, l.NeedsDecision, l.Decision, l.DecisionReason, l.Excluded, l.Taxable,
            new ProvenanceResponse(p.Source, p.Metric, p.SnapshotUtc, p.Rule, p.Count, p.Evidence, p.NotCounted, p.Organizations, p.Added, p.Removed, p.DaysActive, p.DaysInPeriod, p.BlockMinutesBefore, p.BlockMinutesAfter));
    }
}

internal sealed record InvoiceResponse(
    Guid Id,
    Guid ClientId,
    string ClientName,
    string Status,
    string? Number,
    DateOnly InvoiceDate,
    DateOnly DueDate,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Total,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? PreviousTotal,
    bool IsCreditMemo,
    bool Changed,
    bool Flagged,
    int OpenFlags,
    bool NewerCountsAvailable,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<LineResponseDto> Lines)
{
    public static InvoiceResponse From(Invoice i) => new(i.Id, i.ClientId, i.ClientName, i.Status.ToString().ToLowerInvariant(), i.Number, i.InvoiceDate, i.DueDate, i.Total,
        i.PreviousTotal, i.IsCreditMemo, i.Changed, i.Flagged, i.OpenFlags, i.NewerCountsAvailable, i.Warnings, [.. i.Lines.Select(LineResponseDto.From)]);
}

internal sealed record RunResponse(Guid RunId, string Period, string Status, long Version, DateTime RefreshedUtc, RunTotalsResponse Totals, ListResponse<InvoiceResponse> Invoices);

internal sealed record RunSummaryResponse(Guid RunId, string Period, string Status, long Version, DateTime RefreshedUtc, RunTotalsResponse Totals, long ElapsedMs);

internal sealed record ApproveRequest(IReadOnlyList<Guid>? InvoiceIds);

internal sealed record UnapproveRequest(string? Reason);

internal sealed record AdjustmentRequest(string? LineKey, string? Reason, decimal? Quantity, decimal? UnitPrice, bool? Remove, string? Decision, Guid? ItemId, string? Description, bool? Clear)
{
    public BillingRuns.AdjustRequest ToRequest() => new(LineKey, Reason ?? "", Quantity, UnitPrice, Remove ?? false, Decision?.Trim().ToLowerInvariant(), ItemId, Description, Clear ?? false);
}

internal sealed record ChargeRequest(Guid? ClientId, DateOnly? Date, string? Description, decimal? Quantity, decimal? UnitPrice, Guid? ItemId, string? Reason)
{
    public Charges.Request ToRequest() =>
        Date is null ? throw ValidationFailedException.For("date", "A charge needs the date it bills (YYYY-MM-DD).")
        : UnitPrice is null ? throw ValidationFailedException.For("unitPrice", "A charge needs a unit price (negative for a credit).")
        : new(ClientId ?? Guid.Empty, Date.Value, Description ?? "", UnitPrice.Value, Quantity ?? 1, ItemId, Reason);
}

internal sealed record ChargeResponse(
    Guid Id,
    Guid ClientId,
    string ClientName,
    DateOnly Date,
    string Description,
    Guid? ItemId,
    string? ItemName,
    decimal Quantity,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal UnitPrice,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Amount,
    string Status)
{
    public static ChargeResponse From(ChargeRow c) => new(c.Id, c.ClientId, c.ClientName, c.Date, c.Description, c.ItemId, c.ItemName, c.Quantity, c.UnitPrice, c.Amount, c.Billed ? "billed" : "pending");
}

internal sealed record BillingSettingsDto(
    int StaleAfterHours,
    decimal DropPercent,
    decimal HighlightPercent,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal HighlightAmount,
    int PaymentTermsDays,
    int TimeIncrementMinutes,
    int TicketMinimumMinutes,
    string InvoicePrefix,
    int NextInvoiceNumber,
    string Currency,
    string TimeZone,
    Guid? TimeItemId,
    Guid? BlockItemId,
    string? Reason = null)
{
    public static BillingSettingsDto From(BillingSettings s) => new(s.StaleAfterHours, s.DropPercent, s.HighlightPercent, s.HighlightAmount, s.PaymentTermsDays,
        s.TimeIncrementMinutes, s.TicketMinimumMinutes, s.InvoicePrefix, s.NextInvoiceNumber, s.Currency, s.TimeZone, s.TimeItemId, s.BlockItemId);

    public BillingSettingsStore.Request ToRequest() => new(StaleAfterHours, DropPercent, HighlightPercent, HighlightAmount, PaymentTermsDays, TimeIncrementMinutes,
        TicketMinimumMinutes, InvoicePrefix ?? "", NextInvoiceNumber, Currency ?? "", TimeZone ?? "", TimeItemId, BlockItemId, Reason);
}

/// <summary>The month's workflow (design.md, contract appendix): preview, refresh, adjust, approve; one-off charges; Billing settings.</summary>
internal static class BillingApi
{
    public static RouteGroupBuilder MapBillingApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/billing-runs").WithTags("Billing").RequireAuthorization(Policies.ApiBilling);

        runs.MapGet("/{period}", async (string period, bool? changed, bool? flagged, string? search, int? page, int? pageSize, BillingRuns.Handler handler, CancellationToken ct) =>
        {
            var view = await handler.OpenAsync(BillingPeriod.Parse(period), ct);
            var (p, size) = Paging.Normalize(page, pageSize);
            var filtered = new RunFilter(changed ?? false, flagged ?? false, search).Apply(view.Invoices).ToList();
            return TypedResults.Ok(new RunResponse(view.RunId, view.Period.ToString(), view.Status.ToString().ToLowerInvariant(), view.Version, view.RefreshedUtc,
                RunTotalsResponse.From(view.Totals),
                new ListResponse<InvoiceResponse>([.. filtered.Skip((p - 1) * size).Take(size).Select(InvoiceResponse.From)], filtered.Count)));
        }).WithName("GetBillingRun").WithSummary("The preview of a month: invoices with lines, diff, flags and provenance; totals and last month's totals. Opens (creates) the run the first time.");

        runs.MapGet("/{period}/preview.csv", async (string period, bool? changed, bool? flagged, string? search, BillingRuns.Handler handler, CancellationToken ct) =>
        {
            var view = await handler.OpenAsync(BillingPeriod.Parse(period), ct);
            return TypedResults.File(BillingCsv.File(view, new RunFilter(changed ?? false, flagged ?? false, search).Apply(view.Invoices)), "text/csv", BillingCsv.FileName(view));
        }).WithName("ExportBillingPreview");

        runs.MapPost("/{period}/refresh", async (string period, bool? sync, BillingRuns.Handler handler, TimeProvider time, CancellationToken ct) =>
        {
            var started = time.GetTimestamp();
            var view = await handler.RefreshAsync(BillingPeriod.Parse(period), sync ?? false, ct);
            return TypedResults.Ok(new RunSummaryResponse(view.RunId, view.Period.ToString(), view.Status.ToString().ToLowerInvariant(), view.Version, view.RefreshedUtc,
                RunTotalsResponse.From(view.Totals), (long)time.GetElapsedTime(started).TotalMilliseconds));
        }).WithName("RefreshBillingRun").WithSummary("Re-binds vendor lines to the newest snapshots and recomputes (?sync=true syncs every connection first).");

        runs.MapPost("/{period}/approve", async (string period, ApproveRequest? body, BillingRuns.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ApproveAsync(BillingPeriod.Parse(period), body?.InvoiceIds, ct)))
            .WithName("ApproveBillingRun").WithSummary("Approves all draft invoices, or the listed ones; invoices with undecided flags are skipped and listed with the reason.");

        runs.MapPost("/{period}/invoices/{invoiceId:guid}/adjustments", async (string period, Guid invoiceId, AdjustmentRequest body, BillingRuns.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(InvoiceResponse.From(await handler.AdjustAsync(BillingPeriod.Parse(period), invoiceId, body.ToRequest(), ct))))
            .WithName("AdjustInvoiceLine").WithSummary("Adjusts a line (quantity, unitPrice, remove), decides a flag (decision: accept | override | exclude), adds a line (itemId) or clears an adjustment; a reason is required.");

        runs.MapPost("/{period}/invoices/{invoiceId:guid}/unapprove", async (string period, Guid invoiceId, UnapproveRequest? body, BillingRuns.Handler handler, CancellationToken ct) =>
        {
            await handler.UnapproveAsync(BillingPeriod.Parse(period), invoiceId, body?.Reason, ct);
            return TypedResults.NoContent();
        }).WithName("UnapproveInvoice");

        var charges = api.MapGroup("/charges").WithTags("Billing").RequireAuthorization(Policies.ApiBilling);
        charges.MapGet("/", async (Guid? clientId, string? period, int? page, int? pageSize, Charges.Handler handler, CancellationToken ct) =>
        {
            var (p, size) = Paging.Normalize(page, pageSize);
            var result = await handler.ListAsync(new Charges.Query(clientId, period is null ? null : BillingPeriod.Parse(period), p, size), ct);
            return TypedResults.Ok(new ListResponse<ChargeResponse>([.. result.Items.Select(ChargeResponse.From)], result.Total));
        }).WithName("ListCharges");

        charges.MapPost("/", async (ChargeRequest body, Charges.Handler handler, CancellationToken ct) =>
        {
            var id = await handler.AddAsync(body.ToRequest(), ct);
            return TypedResults.Created($"/api/v1/charges/{id}", ChargeResponse.From(await handler.GetAsync(id, ct)));
        }).WithName("AddCharge").WithSummary("Adds a one-off charge (positive) or credit (negative unitPrice) to a client, dated in the month it bills.");

        charges.MapDelete("/{chargeId:guid}", async (Guid chargeId, string? reason, Charges.Handler handler, CancellationToken ct) =>
        {
            await handler.DeleteAsync(chargeId, reason, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteCharge");

        var settings = api.MapGroup("/billing-settings").WithTags("Billing");
        settings.MapGet("/", async (BillingSettingsStore.Handler handler, CancellationToken ct) => TypedResults.Ok(BillingSettingsDto.From(await handler.GetAsync(ct))))
            .WithName("GetBillingSettings").RequireAuthorization(Policies.ApiBilling);
        settings.MapPut("/", async (BillingSettingsDto body, BillingSettingsStore.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(BillingSettingsDto.From(await handler.SaveAsync(body.ToRequest(), ct))))
            .WithName("SaveBillingSettings").RequireAuthorization(Policies.ApiOwner);
        return api;
    }
}
