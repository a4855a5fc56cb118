using System.Text.Json.Serialization;
using CommandCenter.Imports;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record ImportErrorResponse(int Row, string? Column, string Message);

internal sealed record ImportLineResponse(Guid ItemId, string ItemName, decimal Quantity, [property: JsonConverter(typeof(MoneyJsonConverter))] decimal UnitPrice, [property: JsonConverter(typeof(MoneyJsonConverter))] decimal MonthlyAmount);

internal sealed record ImportClientResponse(int Row, string Name, [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? HourlyRate, IReadOnlyList<ImportLineResponse> Lines);

internal sealed record ImportResponse(
    bool Committed,
    int Clients,
    int Lines,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal MonthlyTotal,
    IReadOnlyList<ImportErrorResponse> Errors,
    IReadOnlyList<ImportClientResponse>? Preview);

internal static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        // text/csv body; ?commit=true commits (all or nothing), otherwise a preview. Row errors answer 422 with the list.
        api.MapPost("/imports/billing-sheet", async (HttpRequest request, bool? commit, BillingSheetImport.Handler handler, CancellationToken ct) =>
        {
            if (request.ContentLength > BillingSheetImport.MaxFileBytes)
            {
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large", detail: $"A billing sheet can be at most {BillingSheetImport.MaxFileBytes / 1024 / 1024} MB.");
            }

            if (commit == true)
            {
                var result = await handler.CommitAsync(request.Body, "api upload", ct);
                var body = new ImportResponse(result.Committed, result.Created, result.Lines, result.MonthlyTotal, Errors(result.Errors), null);
                return result.Committed ? Results.Ok(body) : Results.UnprocessableEntity(body);
            }

            var preview = await handler.PreviewAsync(request.Body, ct);
            return Results.Ok(new ImportResponse(false, preview.ClientCount, preview.LineCount, preview.MonthlyTotal, Errors(preview.Errors),
                preview.Clients.Select(c => new ImportClientResponse(c.Row, c.Name, c.HourlyRate,
                    c.Lines.Select(l => new ImportLineResponse(l.ItemId, l.ItemName, l.Quantity, l.UnitPrice, l.MonthlyAmount)).ToList())).ToList()));
        })
        .Accepts<string>("text/csv")
        .WithTags("Imports")
        .WithName("ImportBillingSheet").RequireAuthorization(Policies.ApiBilling);
        return api;
    }

    private static List<ImportErrorResponse> Errors(IReadOnlyList<BillingSheetImport.RowError> errors) =>
        errors.Select(e => new ImportErrorResponse(e.Row, e.Column, e.Message)).ToList();
}
