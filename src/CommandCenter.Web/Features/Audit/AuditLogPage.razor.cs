using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Web.Api;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Audit;

/// <summary>The tenant's audit log: filters, page and entity live in the URL; the export link carries the same filters.</summary>
public sealed partial class AuditLogPage
{
    private const int PageSize = 50;
    private const int MaxChanges = 8;
    private const int MaxValueLength = 120;

    // "Set this filter to nothing" for Navigate, whose null means "keep the current value".
    private const string Blank = "";

    private Paged<AuditLog.Row>? _page;
    private IReadOnlyList<string> _actors = [];
    private string? _error;

    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }
    [SupplyParameterFromQuery(Name = "actor")] public string? Actor { get; set; }
    [SupplyParameterFromQuery(Name = "action")] public string? Action { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Text { get; set; }
    [SupplyParameterFromQuery(Name = "type")] public string? EntityType { get; set; }
    [SupplyParameterFromQuery(Name = "id")] public string? EntityId { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public int? PageNumber { get; set; }

    private int CurrentPage => Math.Max(1, PageNumber ?? 1);

    private string ExportHref => Navigation.GetUriWithQueryParameters(AuditExportEndpoint.Path, new Dictionary<string, object?>
    {
        ["from"] = From,
        ["to"] = To,
        ["actor"] = Actor,
        ["action"] = Action,
        ["text"] = Text,
        ["entityType"] = EntityType,
        ["entityId"] = EntityId,
    });

    protected override async Task OnInitializedAsync() => _actors = await Handler.ActorsAsync();

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            var query = AuditQuery.Parse(From, To, Actor, Action, EntityType, EntityId, Text) with { Page = CurrentPage, PageSize = PageSize };
            _page = await Handler.ListAsync(query);
            _error = null;
        }
        catch (ValidationFailedException v)
        {
            _error = string.Join(" ", v.Errors.SelectMany(e => e.Value));
        }
    }

    private static string ActionText(string? prefix) =>
        prefix is null ? "" : AuditActions.Groups.FirstOrDefault(g => g.Prefix == prefix).Label ?? AuditActions.Label(prefix);

    private static string EntityText(AuditLog.Row e) => e.Link?.Search is { } client ? $"{e.EntityType} · {client}" : $"{e.EntityType} {Shorten(e.EntityId)}";

    private static string Shorten(string id) => id.Length > 13 ? id[..8] + "…" : id;

    /// <summary>Readable fields first; bare ids (a client's or item's GUID) last — the link and the export have them.</summary>
    private static IEnumerable<FieldChange> Readable(IReadOnlyList<FieldChange> changes) =>
        changes.OrderBy(c => IsId(c.Before) && IsId(c.After) ? 1 : 0);

    private static bool IsId(string? value) => value is null || Guid.TryParse(value, out _);

    private static string Short(string value) => value.Length > MaxValueLength ? value[..MaxValueLength] + "…" : value;

    /// <summary>Where the changed thing is: the month's review (searched for the client), else the client.</summary>
    private static string? Href(AuditLog.Row e) => e.Link switch
    {
        { Period: { } period, Search: { } search } => $"/billing/{period}?q={Uri.EscapeDataString(search)}",
        { Period: { } period } => $"/billing/{period}",
        { ClientId: { } clientId } => $"/clients/{clientId}",
        _ => null,
    };

    /// <summary>Changes one or more filters (null keeps a filter, <see cref="Blank"/> clears it); any filter change goes back to page 1.</summary>
    private void Navigate(string? actor = null, string? action = null, string? from = null, string? to = null, string? text = null,
        string? entityType = null, string? entityId = null, int? page = null)
    {
        static string? Pick(string? changed, string? current) => changed is null ? current : changed.Length == 0 ? null : changed;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["actor"] = Pick(actor, Actor),
            ["action"] = Pick(action, Action),
            ["from"] = Pick(from, From),
            ["to"] = Pick(to, To),
            ["q"] = Pick(text, Text),
            ["type"] = Pick(entityType, EntityType),
            ["id"] = Pick(entityId, EntityId),
            ["page"] = page is > 1 ? page : null,
        }), replace: true);
    }
}
