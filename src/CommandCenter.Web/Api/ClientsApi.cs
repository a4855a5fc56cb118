using CommandCenter.Billing;
using System.Text.Json.Serialization;
using CommandCenter.Clients;
using CommandCenter.Common;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record ClientResponse(
    Guid Id,
    string Name,
    ClientStatus Status,
    string? AccountingCustomerRef,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? HourlyRate,
    string? Notes,
    int LineCount,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal MonthlyRecurring);

internal sealed record ClientRequest(string? Name, ClientStatus? Status, string? AccountingCustomerRef, decimal? HourlyRate, string? Notes)
{
    public SaveClient.Request ToRequest() => new(Name ?? "", Status ?? ClientStatus.Active, AccountingCustomerRef, HourlyRate, Notes);
}

/// <summary>
/// <c>{ "kind": "manual", "quantity": 3 }</c> or <c>{ "kind": "vendor", "connectionId": …, "metric": "workstations", "product": …,
/// "filter": { "classes": ["Workstation"], "basis": "purchased" } }</c> (design.md, contract appendix).
/// </summary>
internal sealed record QuantitySourceDto(string? Kind, decimal? Quantity, Guid? ConnectionId = null, string? ConnectionName = null, string? Metric = null, string? Product = null, QuantityFilterDto? Filter = null);

internal sealed record QuantityFilterDto(IReadOnlyList<string>? Classes, string? Basis);

internal sealed record LineResponse(
    Guid Id,
    Guid ItemId,
    string ItemName,
    string? Description,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal UnitPrice,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? UnitPriceOverride,
    QuantitySourceDto QuantitySource,
    decimal IncludedUnits,
    decimal Minimum,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    decimal BilledQuantity,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal MonthlyAmount)
{
    public static LineResponse From(LineDetail l) => new(
        l.Id, l.ItemId, l.ItemName, l.Description, l.UnitPrice, l.UnitPriceOverride,
        l.Source is { } s
            ? new QuantitySourceDto("vendor", null, s.ConnectionId, s.ConnectionName, s.Metric, s.Product, new QuantityFilterDto(VendorBinding.SplitClasses(s.Classes), s.Basis))
            : new QuantitySourceDto("manual", l.Quantity), l.IncludedUnits, l.Minimum, l.EffectiveFrom, l.EffectiveTo, l.BilledQuantity, l.MonthlyAmount);
}

/// <param name="UnitPrice">Overrides the catalog price; omit to follow the catalog.</param>
internal sealed record LineRequest(
    Guid? ItemId,
    decimal? UnitPrice,
    QuantitySourceDto? QuantitySource,
    decimal? IncludedUnits,
    decimal? Minimum,
    DateOnly? EffectiveFrom,
    DateOnly? EffectiveTo,
    string? Description,
    string? Reason)
{
    public SaveLine.Request ToRequest()
    {
        var kind = QuantitySource?.Kind?.Trim().ToLowerInvariant();
        if (kind is not ("manual" or "vendor" or null))
        {
            throw ValidationFailedException.For("quantitySource.kind", "quantitySource.kind must be \"manual\" or \"vendor\".");
        }

        if (kind == "vendor")
        {
            var source = new SaveLine.VendorSource(QuantitySource!.ConnectionId ?? Guid.Empty, QuantitySource.Metric ?? "",
                QuantitySource.Filter?.Classes is { Count: > 0 } classes ? string.Join(",", classes) : null, QuantitySource.Product, QuantitySource.Filter?.Basis);
            return new SaveLine.Request(ItemId ?? Guid.Empty, QuantitySource.Quantity ?? 0, UnitPrice, IncludedUnits ?? 0, Minimum ?? 0, EffectiveFrom, EffectiveTo, Description, Reason, source);
        }

        if (QuantitySource?.Quantity is null)
        {
            throw ValidationFailedException.For("quantitySource.quantity", "A manual line needs a quantity.");
        }

        return new SaveLine.Request(ItemId ?? Guid.Empty, QuantitySource.Quantity.Value, UnitPrice, IncludedUnits ?? 0, Minimum ?? 0, EffectiveFrom, EffectiveTo, Description, Reason);
    }
}

/// <summary>A client's own agreement terms; null follows the tenant's Billing settings.</summary>
internal sealed record AgreementTermsRequest(int? TimeIncrementMinutes, int? TicketMinimumMinutes, int? PaymentTermsDays, string? Reason)
{
    public SaveAgreementTerms.Request ToRequest() => new(TimeIncrementMinutes, TicketMinimumMinutes, PaymentTermsDays, Reason);
}

internal sealed record AgreementTermsValues(int? TimeIncrementMinutes, int? TicketMinimumMinutes, int? PaymentTermsDays);

/// <summary>The terms billing uses (the client's override, else the tenant default), with the overrides and defaults behind them.</summary>
internal sealed record AgreementTermsResponse(int TimeIncrementMinutes, int TicketMinimumMinutes, int PaymentTermsDays, AgreementTermsValues Overrides, AgreementTermsValues Defaults)
{
    public static AgreementTermsResponse From(SaveAgreementTerms.Terms t) => new(
        t.EffectiveTimeIncrementMinutes, t.EffectiveTicketMinimumMinutes, t.EffectivePaymentTermsDays,
        new AgreementTermsValues(t.TimeIncrementMinutes, t.TicketMinimumMinutes, t.PaymentTermsDays),
        new AgreementTermsValues(t.DefaultTimeIncrementMinutes, t.DefaultTicketMinimumMinutes, t.DefaultPaymentTermsDays));
}

internal static class ClientsApi
{
    public static RouteGroupBuilder MapClientsApi(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients").RequireAuthorization(Policies.ApiBilling);

        clients.MapGet("/", async (ListClients.Handler handler, string? search, string? sort, bool? desc, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = Paging.Normalize(page, pageSize);
            var result = await handler.HandleAsync(new ListClients.Request(search, sort, desc ?? false, p, size), ct);
            return TypedResults.Ok(new ListResponse<ClientResponse>(
                result.Items.Select(c => new ClientResponse(c.Id, c.Name, c.Status, c.AccountingCustomerRef, c.HourlyRate, null, c.LineCount, c.MonthlyRecurring)).ToList(),
                result.Total));
        }).WithName("ListClients");

        clients.MapGet("/{clientId:guid}", async (Guid clientId, GetClient.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(ToResponse(await handler.HandleAsync(clientId, ct)))).WithName("GetClient");

        clients.MapPost("/", async (ClientRequest body, SaveClient.Handler save, GetClient.Handler get, CancellationToken ct) =>
        {
            var id = await save.CreateAsync(body.ToRequest(), ct);
            return TypedResults.Created($"/api/v1/clients/{id}", ToResponse(await get.HandleAsync(id, ct)));
        }).WithName("CreateClient");

        clients.MapPut("/{clientId:guid}", async (Guid clientId, ClientRequest body, SaveClient.Handler save, GetClient.Handler get, CancellationToken ct) =>
        {
            await save.UpdateAsync(clientId, body.ToRequest(), ct);
            return TypedResults.Ok(ToResponse(await get.HandleAsync(clientId, ct)));
        }).WithName("UpdateClient");

        clients.MapDelete("/{clientId:guid}", async (Guid clientId, string? reason, SaveClient.Handler save, CancellationToken ct) =>
        {
            await save.DeleteAsync(clientId, reason, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteClient");

        clients.MapGet("/{clientId:guid}/lines", async (Guid clientId, GetClient.Handler get, CancellationToken ct) =>
        {
            var client = await get.HandleAsync(clientId, ct);
            return TypedResults.Ok(new ListResponse<LineResponse>(client.Lines.Select(LineResponse.From).ToList(), client.Lines.Count));
        }).WithName("ListLines");

        clients.MapPost("/{clientId:guid}/lines", async (Guid clientId, LineRequest body, SaveLine.Handler save, GetClient.Handler get, CancellationToken ct) =>
        {
            var lineId = await save.AddAsync(clientId, body.ToRequest(), ct);
            var line = (await get.HandleAsync(clientId, ct)).Lines.Single(l => l.Id == lineId);
            return TypedResults.Created($"/api/v1/clients/{clientId}/lines/{lineId}", LineResponse.From(line));
        }).WithName("AddLine");

        clients.MapPut("/{clientId:guid}/lines/{lineId:guid}", async (Guid clientId, Guid lineId, LineRequest body, SaveLine.Handler save, GetClient.Handler get, CancellationToken ct) =>
        {
            await save.UpdateAsync(clientId, lineId, body.ToRequest(), ct);
            var line = (await get.HandleAsync(clientId, ct)).Lines.Single(l => l.Id == lineId);
            return TypedResults.Ok(LineResponse.From(line));
        }).WithName("UpdateLine");

        clients.MapDelete("/{clientId:guid}/lines/{lineId:guid}", async (Guid clientId, Guid lineId, string? reason, SaveLine.Handler save, CancellationToken ct) =>
        {
            await save.RemoveAsync(clientId, lineId, reason, ct);
            return TypedResults.NoContent();
        }).WithName("RemoveLine");

        clients.MapGet("/{clientId:guid}/agreement", async (Guid clientId, SaveAgreementTerms.Handler terms, CancellationToken ct) =>
            TypedResults.Ok(AgreementTermsResponse.From(await terms.GetAsync(clientId, ct))))
            .WithName("GetAgreementTerms").WithSummary("The client's time increment, per-ticket minimum and payment terms as billing uses them.");

        clients.MapPut("/{clientId:guid}/agreement", async (Guid clientId, AgreementTermsRequest body, SaveAgreementTerms.Handler terms, CancellationToken ct) =>
            TypedResults.Ok(AgreementTermsResponse.From(await terms.SaveAsync(clientId, body.ToRequest(), ct))))
            .WithName("SaveAgreementTerms").WithSummary("Overrides the tenant's time increment, per-ticket minimum and payment terms for this client (null follows the Billing settings).");

        return api;
    }

    private static ClientResponse ToResponse(ClientDetail c) =>
        new(c.Id, c.Name, c.Status, c.AccountingCustomerRef, c.HourlyRate, c.Notes, c.Lines.Count, c.MonthlyRecurring);
}
