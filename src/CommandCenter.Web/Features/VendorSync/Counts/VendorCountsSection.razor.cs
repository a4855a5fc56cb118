using System.Globalization;
using CommandCenter.Common;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CommandCenter.Web.Features.VendorSync.Counts;

/// <summary>
/// A client's newest vendor counts with the evidence behind each number, purchased-vs-assigned licences and the
/// findings (unbilled usage, unassigned seats, unmapped products). Read-only; mapping happens on the mapping page.
/// </summary>
public sealed partial class VendorCountsSection : IDisposable
{
    /// <summary>Evidence rows rendered per group; the API returns the whole list.</summary>
    public const int EvidenceLimit = 500;

    private readonly HashSet<Guid> _expanded = [];
    private CancellationTokenSource _loading = new();
    private ClientCounts? _counts;
    private Guid? _loadedFor;
    private string? _error;

    private Guid? _tenantId;

    [Inject] private GetClientCounts.Handler Handler { get; set; } = default!;

    [Inject] private SyncProgressTracker Tracker { get; set; } = default!;

    [Inject] private CommandCenter.Persistence.TenantDb TenantDb { get; set; } = default!;

    [Parameter, EditorRequired] public Guid ClientId { get; set; }

    /// <summary>Raised with each load, so the page can show purchased vs assigned on its lines without reading the counts again.</summary>
    [Parameter] public EventCallback<ClientCounts> Loaded { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // A sync that lands updates the counts on screen, live (only this tenant's syncs, read through this tenant's context).
        _tenantId = (await TenantDb.ScopeAsync()).TenantId;
        Tracker.Ended += OnSyncEnded;
    }

    private void OnSyncEnded(Guid tenantId, Guid connectionId)
    {
        if (tenantId == _tenantId)
        {
            _ = InvokeAsync(ReloadAsync);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFor != ClientId)
        {
            _loadedFor = ClientId;
            _expanded.Clear();
            await ReloadAsync();
        }
    }

    /// <summary>Reads the counts again (the client's lines changed, so findings may have).</summary>
    public async Task ReloadAsync()
    {
        await _loading.CancelAsync();
        _loading.Dispose();
        _loading = new CancellationTokenSource();
        var token = _loading.Token;
        try
        {
            _counts = await Handler.GetAsync(ClientId, token);
            await Loaded.InvokeAsync(_counts);
            _error = null;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (NotFoundException ex)
        {
            _error = ex.Message;
        }

        StateHasChanged();
    }

    private void Toggle(Guid snapshotId)
    {
        if (!_expanded.Remove(snapshotId))
        {
            _expanded.Add(snapshotId);
        }
    }

    private static string Amount(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string MetricLabel(string metric) => metric switch
    {
        Metrics.Devices => "devices counted",
        Metrics.Agents => "agents counted",
        Metrics.Firewalls => "firewalls counted",
        Metrics.Licences => "seats purchased",
        _ => metric,
    };

    private static string NotCounted(CountGroup group) =>
        string.Join(", ", group.ByClass.Where(c => c.NotCounted > 0).Select(c => $"{c.NotCounted} {c.Class}"));

    /// <summary>Counted seats per product, for licence groups (device groups have their class chips instead).</summary>
    private static IEnumerable<(string Product, decimal Quantity)> LicenceSummary(CountGroup group) =>
        group.Licences.Where(l => l.Counted)
            .GroupBy(MicrosoftSkus.DisplayName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(x => x.Key, StringComparer.OrdinalIgnoreCase);

    private static (string Icon, Color Color) FindingLook(string kind) => kind switch
    {
        FindingKinds.NewRevenue => (Icons.Material.Filled.TrendingUp, Color.Success),
        FindingKinds.CountIncrease => (Icons.Material.Filled.ArrowUpward, Color.Success),
        FindingKinds.UnassignedLicences => (Icons.Material.Filled.PersonOff, Color.Warning),
        FindingKinds.UnmappedUsage => (Icons.Material.Filled.LinkOff, Color.Warning),
        _ => (Icons.Material.Filled.Info, Color.Info),
    };

    public void Dispose()
    {
        Tracker.Ended -= OnSyncEnded;
        _loading.Cancel();
        _loading.Dispose();
    }
}
