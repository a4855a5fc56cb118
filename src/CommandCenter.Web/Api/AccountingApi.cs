using System.Text.Json.Serialization;
using CommandCenter.Accounting;
using CommandCenter.Common;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

/// <summary>Conductor: secretKey + endUserId; QBO/Xero: clientId + clientSecret. Blank keeps what is stored; never returned.</summary>
internal sealed record AccountingCredentialsDto(string? SecretKey, string? EndUserId, string? ClientId, string? ClientSecret);

internal sealed record IifOptionsDto(string? ArAccount, string? IncomeAccount, string? DateFormat);

internal sealed record AccountingConnectionRequest(
    string? Kind,
    string? BaseUrl,
    string? TokenUrl,
    string? AuthorizeUrl,
    int? TimeoutSeconds,
    AccountingCredentialsDto? Credentials,
    IifOptionsDto? Iif,
    string? FallbackItemId,
    bool? ConfirmKindChange)
{
    public AccountingConnections.Request ToRequest()
    {
        if (!AccountingConnections.TryParseKind(Kind, out var kind))
        {
            throw ValidationFailedException.For("kind", "kind must be one of \"conductor\", \"qbo\", \"xero\", \"iif\".");
        }

        var c = Credentials;
        return new AccountingConnections.Request(kind, BaseUrl, TokenUrl, AuthorizeUrl, TimeoutSeconds,
            c is null ? null : new AccountingConnections.CredentialsInput(c.SecretKey, c.EndUserId, c.ClientId, c.ClientSecret),
            Iif is null ? null : new AccountingConnections.IifOptions(Iif.ArAccount ?? "", Iif.IncomeAccount ?? "", Iif.DateFormat ?? ""),
            FallbackItemId, ConfirmKindChange ?? false);
    }
}

internal sealed record AccountingImportsResponse(int Customers, int Items, DateTime? CustomersImportedUtc, DateTime? ItemsImportedUtc);

internal sealed record AccountingMappingCountsResponse(int ClientsMapped, int ClientsUnmapped, int ItemsMapped, int ItemsUnmapped);

internal sealed record AccountingConnectionResponse(
    Guid Id,
    string Kind,
    string DisplayName,
    string? BaseUrl,
    string? TokenUrl,
    string? AuthorizeUrl,
    string? CredentialHint,
    bool HasCredentials,
    bool Authorized,
    int TimeoutSeconds,
    AccountingStatus Status,
    DateTime? LastCheckedUtc,
    string? LastError,
    AccountingImportsResponse Imported,
    AccountingMappingCountsResponse Mappings,
    string? FallbackItemId,
    string? FallbackItemName,
    IifOptionsDto? Iif,
    DateTime UpdatedUtc)
{
    public static AccountingConnectionResponse From(AccountingConnections.View v) => new(
        v.Id, AccountingConnections.ToApi(v.Kind), v.DisplayName, v.BaseUrl, v.TokenUrl, v.AuthorizeUrl, v.CredentialHint, v.HasCredentials, v.Authorized, v.TimeoutSeconds,
        v.Status, v.LastCheckedUtc, v.LastError,
        new AccountingImportsResponse(v.CustomersImported, v.ItemsImported, v.CustomersImportedUtc, v.ItemsImportedUtc),
        new AccountingMappingCountsResponse(v.ClientsMapped, v.ClientsUnmapped, v.ItemsMapped, v.ItemsUnmapped),
        v.FallbackItemId, v.FallbackItemName,
        v.Kind == AccountingKind.Iif ? new IifOptionsDto(v.Iif.ArAccount, v.Iif.IncomeAccount, v.Iif.DateFormat) : null, v.UpdatedUtc);
}

internal sealed record MappedByResponse(Guid Id, string Name);

internal sealed record AccountingRecordResponse(
    string ExternalId,
    string Name,
    bool Active,
    string? Problem,
    string? Type,
    [property: JsonConverter(typeof(NullableMoneyJsonConverter))] decimal? Price,
    string? IncomeAccount,
    DateTime ImportedUtc,
    IReadOnlyList<MappedByResponse> MappedBy)
{
    public static AccountingRecordResponse From(AccountingMappings.RecordRow r) =>
        new(r.ExternalId, r.Name, r.Active, r.Problem, r.Type, r.Price, r.IncomeAccount, r.ImportedUtc, [.. r.MappedBy.Select(m => new MappedByResponse(m.Id, m.Name))]);
}

internal sealed record MappingTargetResponse(string ExternalId, string? Name, bool Active, string? Problem);

internal sealed record SuggestionResponse(string ExternalId, string Name, string Reason, int Score);

internal sealed record ClientMappingResponse(Guid ClientId, string ClientName, MappingTargetResponse? Customer, SuggestionResponse? Suggestion);

internal sealed record ItemMappingResponse(Guid ItemId, string ItemName, MappingTargetResponse? Item, SuggestionResponse? Suggestion);

internal sealed record MappingsResponse(int ClientsMapped, int ClientsTotal, int ItemsMapped, int ItemsTotal, IReadOnlyList<ClientMappingResponse> Customers, IReadOnlyList<ItemMappingResponse> Items)
{
    public static MappingsResponse From(AccountingMappings.View v) => new(v.ClientsMapped, v.Clients.Count, v.ItemsMapped, v.Items.Count,
        [.. v.Clients.Select(r => new ClientMappingResponse(r.Id, r.Name, Target(r.Mapped), Suggestion(r.Suggestion)))],
        [.. v.Items.Select(r => new ItemMappingResponse(r.Id, r.Name, Target(r.Mapped), Suggestion(r.Suggestion)))]);

    private static MappingTargetResponse? Target(AccountingMappings.Target? t) => t is null ? null : new(t.ExternalId, t.Name, t.Active, t.Problem);

    private static SuggestionResponse? Suggestion(AccountingMappings.Suggestion? s) => s is null ? null : new(s.ExternalId, s.Name, s.Reason, s.Score);
}

internal sealed record CustomerMappingDto(Guid? ClientId, string? ExternalId);

internal sealed record ItemMappingDto(Guid? ItemId, string? ExternalId);

internal sealed record MappingsRequest(IReadOnlyList<CustomerMappingDto>? Customers, IReadOnlyList<ItemMappingDto>? Items, string? Reason);

internal sealed record MappingChangeResponse(string Side, Guid Id, string Name, string? Before, string? After);

internal sealed record MappingsChangedResponse(int Changed, IReadOnlyList<MappingChangeResponse> Changes, MappingsResponse Mappings);

/// <summary>The accounting connection, its imported customers and items, and the mappings (design.md, contract appendix).</summary>
internal static class AccountingApi
{
    /// <summary>An IIF list export is a few hundred KB at most.</summary>
    public const int MaxIifBytes = 5 * 1024 * 1024;

    public static RouteGroupBuilder MapAccountingApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/accounting-connection").WithTags("Accounting").AddEndpointFilter(TargetErrorsAsync).RequireAuthorization(Policies.ApiOwner);

        group.MapGet("/", async (AccountingConnections.Handler handler, CancellationToken ct) =>
            AccountingConnectionResponse.From(await handler.GetAsync(ct) ?? throw new NotFoundException("Accounting connection", "current")))
            .WithName("GetAccountingConnection").WithSummary("The tenant's accounting target (never its secrets: a hint of what is stored); 404 when none is set up.");

        group.MapPut("/", async (AccountingConnectionRequest body, AccountingConnections.Handler handler, CancellationToken ct) =>
            AccountingConnectionResponse.From(await handler.SaveAsync(body.ToRequest(), ct)))
            .WithName("SaveAccountingConnection")
            .WithSummary("Creates or updates the accounting target. Blank credentials keep the stored ones; changing the kind needs confirmKindChange and clears imported records and every mapping.");

        group.MapDelete("/", async (string? reason, AccountingConnections.Handler handler, CancellationToken ct) =>
        {
            await handler.DeleteAsync(reason, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteAccountingConnection");

        group.MapPost("/check", async (AccountingConnections.Handler handler, CancellationToken ct) => TypedResults.Ok(await handler.CheckAsync(ct)))
            .WithName("CheckAccountingConnection").WithSummary("Calls the target once; the status (connected | failed | needsAuthorization) and error are stored and returned.");

        group.MapPost("/import", async (HttpRequest request, AccountingConnections.Handler handler, CancellationToken ct) =>
        {
            var connection = await handler.GetAsync(ct) ?? throw new NotFoundException("Accounting connection", "current");
            if (connection.Kind != AccountingKind.Iif)
            {
                return TypedResults.Ok(await handler.ImportAsync(ct));
            }

            if (request.ContentLength > MaxIifBytes)
            {
                throw ValidationFailedException.For("file", "The list file is larger than 5 MB.");
            }

            using var reader = new StreamReader(request.Body);
            return TypedResults.Ok(await handler.ImportIifListsAsync(await reader.ReadToEndAsync(ct), ct));
        }).Accepts<string>("text/plain").WithName("ImportAccountingLists")
            .WithSummary("Imports customers and items from the target (IIF: the body is a QuickBooks list export); counts new, updated and deactivated.");

        group.MapGet("/customers", async (int? page, int? pageSize, AccountingMappings.Handler handler, CancellationToken ct) =>
            await RecordsAsync(handler, AccountingMappings.Side.Customers, page, pageSize, ct)).WithName("ListAccountingCustomers");

        group.MapGet("/items", async (int? page, int? pageSize, AccountingMappings.Handler handler, CancellationToken ct) =>
            await RecordsAsync(handler, AccountingMappings.Side.Items, page, pageSize, ct)).WithName("ListAccountingItems");

        group.MapGet("/mappings", async (AccountingMappings.Handler handler, CancellationToken ct) => MappingsResponse.From(await handler.ListAsync(ct)))
            .WithName("GetAccountingMappings").WithSummary("Active clients and catalog items with their mapping and a suggestion (never applied without a person).");

        group.MapPut("/mappings", async (MappingsRequest body, AccountingMappings.Handler handler, CancellationToken ct) =>
        {
            var result = await handler.SetAsync(
                [.. (body.Customers ?? []).Select(c => new AccountingMappings.CustomerMapping(c.ClientId ?? Guid.Empty, c.ExternalId))],
                [.. (body.Items ?? []).Select(i => new AccountingMappings.ItemMapping(i.ItemId ?? Guid.Empty, i.ExternalId))],
                body.Reason, ct);
            return Changed(result, await handler.ListAsync(ct));
        }).WithName("SetAccountingMappings").WithSummary("Maps clients to customers and catalog items to items by external id (null unmaps); every entry is checked before any is applied.");

        group.MapPost("/mappings/accept-suggestions", async (string? side, AccountingMappings.Handler handler, CancellationToken ct) =>
        {
            var which = side?.Trim().ToLowerInvariant() switch
            {
                "customers" => AccountingMappings.Side.Customers,
                "items" => AccountingMappings.Side.Items,
                _ => throw ValidationFailedException.For("side", "side must be \"customers\" or \"items\"."),
            };
            return Changed(await handler.AcceptSuggestionsAsync(which, ct), await handler.ListAsync(ct));
        }).WithName("AcceptAccountingSuggestions").WithSummary("Applies every suggestion shown for one side (?side=customers|items); audited.");
        return api;
    }

    private static async Task<ListResponse<AccountingRecordResponse>> RecordsAsync(AccountingMappings.Handler handler, AccountingMappings.Side side, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Normalize(page, pageSize);
        var result = await handler.RecordsAsync(side, p, size, ct);
        return new ListResponse<AccountingRecordResponse>([.. result.Items.Select(AccountingRecordResponse.From)], result.Total);
    }

    private static MappingsChangedResponse Changed(AccountingMappings.SetResult result, AccountingMappings.View view) => new(result.Changes.Count,
        [.. result.Changes.Select(c => new MappingChangeResponse(c.Side == AccountingMappings.Side.Customers ? "customer" : "item", c.Id, c.Name, c.Before, c.After))],
        MappingsResponse.From(view));

    /// <summary>The target refused or could not be reached: its message, as a 502 problem (the connection's status records it too).</summary>
    private static async ValueTask<object?> TargetErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (AccountingException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The accounting system did not accept the request", detail: e.Message);
        }
    }
}
