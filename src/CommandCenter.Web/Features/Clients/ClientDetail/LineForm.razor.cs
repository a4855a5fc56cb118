using System.Globalization;
using CommandCenter.Billing;
using CommandCenter.Clients;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Clients.ClientDetail;

/// <summary>A recurring line's fields: item, price, included units, minimum, dates, and its quantity source (manual, or a vendor connection + metric + filter).</summary>
public sealed partial class LineForm
{

    [Parameter, EditorRequired] public IReadOnlyList<CatalogItemDto> Items { get; set; } = [];
    [Parameter, EditorRequired] public LineFormModel Model { get; set; } = new();
    /// <summary>The tenant's vendor connections a line can be bound to (none: the line stays manual).</summary>
    [Parameter] public IReadOnlyList<SourceOption> Sources { get; set; } = [];
    [Parameter] public bool IsEdit { get; set; }
    [Parameter] public bool Saving { get; set; }
    /// <summary>Errors the server returned for the last save, shown at their fields.</summary>
    [Parameter] public FieldErrors Errors { get; set; } = FieldErrors.None;
    [Parameter] public EventCallback<LineFormModel> OnSave { get; set; }
    [Parameter] public EventCallback OnCancel { get; set; }

    /// <summary>SaveLine's field keys (the API's), each shown at its field.</summary>
    private static class Keys
    {
        public const string Item = "itemId";
        public const string Quantity = "quantity";
        public const string Price = "unitPrice";
        public const string Included = "includedUnits";
        public const string Minimum = "minimum";
        public const string From = "effectiveFrom";
        public const string To = "effectiveTo";
        public const string Description = "description";
        public const string Reason = "reason";
        public const string Connection = "quantitySource.connectionId";
        public const string Metric = "quantitySource.metric";
        public const string Product = "quantitySource.product";
        public const string Basis = "quantitySource.filter.basis";
    }

    /// <summary>The fields on screen that show a handler message (key → model property); the rest show above the form.</summary>
    private Dictionary<string, string> FieldMap
    {
        get
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [Keys.Item] = nameof(LineFormModel.ItemId),
                [Keys.Price] = nameof(LineFormModel.UnitPrice),
                [Keys.Included] = nameof(LineFormModel.IncludedUnits),
                [Keys.Minimum] = nameof(LineFormModel.Minimum),
                [Keys.From] = nameof(LineFormModel.EffectiveFrom),
                [Keys.To] = nameof(LineFormModel.EffectiveTo),
                [Keys.Description] = nameof(LineFormModel.Description),
            };
            if (IsEdit)
            {
                map[Keys.Reason] = nameof(LineFormModel.Reason);
            }

            if (!Model.IsVendor)
            {
                map[Keys.Quantity] = nameof(LineFormModel.Quantity);
                return map;
            }

            map[Keys.Connection] = nameof(LineFormModel.ConnectionId);
            map[Keys.Metric] = nameof(LineFormModel.Metric);
            if (Model.IsLicence)
            {
                map[Keys.Product] = nameof(LineFormModel.Product);
                map[Keys.Basis] = nameof(LineFormModel.Basis);
            }

            return map;
        }
    }

    private string? ConnectionLabel(Guid? connectionId) => Sources.FirstOrDefault(s => s.ConnectionId == connectionId)?.Label;

    private SourceOption? Selected => Sources.FirstOrDefault(s => s.ConnectionId == Model.ConnectionId);

    private string? CatalogPriceHint => Items.FirstOrDefault(i => i.Id == Model.ItemId) is { } item ? item.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture) : null;

    private void SetSourceKind(QuantitySourceKind kind)
    {
        Model.SourceKind = kind;
        if (kind == QuantitySourceKind.Vendor && Model.ConnectionId is null && Sources.Count == 1)
        {
            SetConnection(Sources[0].ConnectionId);
        }
    }

    private void SetConnection(Guid? connectionId)
    {
        Model.ConnectionId = connectionId;
        // Keep the metric when the new connection can feed it; else take its only (or first) one.
        if (Selected is { } source && (Model.Metric is null || !source.Metrics.Contains(Model.Metric)))
        {
            Model.Metric = source.Metrics.FirstOrDefault();
        }
    }

    private void SetClasses(IEnumerable<string>? classes) => Model.Classes = [.. classes ?? []];

    private Task<IEnumerable<string>> SearchProducts(string? text, CancellationToken cancellationToken)
    {
        var products = Selected?.Products ?? [];
        return Task.FromResult<IEnumerable<string>>(string.IsNullOrWhiteSpace(text)
            ? products
            : products.Where(p => p.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));
    }

    public static string MetricLabel(string? metric) => metric switch
    {
        SourceMetrics.Workstations => "Workstations",
        SourceMetrics.Servers => "Servers",
        SourceMetrics.Devices => "Devices",
        SourceMetrics.Agents => "Agents",
        SourceMetrics.Firewalls => "Firewalls",
        SourceMetrics.Licences => "Licences",
        _ => metric ?? "",
    };

    private Task SubmitAsync() => OnSave.InvokeAsync(Model);
}
