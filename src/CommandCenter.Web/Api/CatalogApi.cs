using System.Text.Json.Serialization;
using CommandCenter.Clients;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record CatalogItemResponse(
    Guid Id,
    string Name,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal UnitPrice,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal UnitCost,
    string? AccountingItemRef,
    bool Taxable,
    int LineCount)
{
    public static CatalogItemResponse From(CatalogItemDto i) => new(i.Id, i.Name, i.UnitPrice, i.UnitCost, i.AccountingItemRef, i.Taxable, i.LineCount);
}

internal sealed record CatalogItemRequest(string? Name, decimal? UnitPrice, decimal? UnitCost, string? AccountingItemRef, bool? Taxable)
{
    public SaveCatalogItem.Request ToRequest()
    {
        if (UnitPrice is null)
        {
            throw Common.ValidationFailedException.For("unitPrice", "Unit price is required.");
        }

        return new(Name ?? "", UnitPrice.Value, UnitCost ?? 0, AccountingItemRef, Taxable ?? false);
    }
}

internal static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this RouteGroupBuilder api)
    {
        var items = api.MapGroup("/catalog-items").WithTags("Catalog").RequireAuthorization(Policies.ApiBilling);

        items.MapGet("/", async (SaveCatalogItem.Handler handler, CancellationToken ct) =>
        {
            var all = await handler.ListAsync(ct);
            return TypedResults.Ok(new ListResponse<CatalogItemResponse>(all.Select(CatalogItemResponse.From).ToList(), all.Count));
        }).WithName("ListCatalogItems");

        items.MapGet("/{itemId:guid}", async (Guid itemId, SaveCatalogItem.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(CatalogItemResponse.From(await handler.GetAsync(itemId, ct)))).WithName("GetCatalogItem");

        items.MapPost("/", async (CatalogItemRequest body, SaveCatalogItem.Handler handler, CancellationToken ct) =>
        {
            var id = await handler.CreateAsync(body.ToRequest(), ct);
            return TypedResults.Created($"/api/v1/catalog-items/{id}", CatalogItemResponse.From(await handler.GetAsync(id, ct)));
        }).WithName("CreateCatalogItem");

        items.MapPut("/{itemId:guid}", async (Guid itemId, CatalogItemRequest body, SaveCatalogItem.Handler handler, CancellationToken ct) =>
        {
            await handler.UpdateAsync(itemId, body.ToRequest(), null, ct);
            return TypedResults.Ok(CatalogItemResponse.From(await handler.GetAsync(itemId, ct)));
        }).WithName("UpdateCatalogItem");

        items.MapDelete("/{itemId:guid}", async (Guid itemId, SaveCatalogItem.Handler handler, CancellationToken ct) =>
        {
            await handler.DeleteAsync(itemId, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteCatalogItem");

        return api;
    }
}
