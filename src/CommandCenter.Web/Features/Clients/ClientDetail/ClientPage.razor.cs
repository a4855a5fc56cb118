using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.VendorSync;
using CommandCenter.Web.Features.Billing.Charges;
using CommandCenter.Web.Features.Clients.ClientList;
using CommandCenter.Web.Features.VendorSync.Counts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CommandCenter.Web.Features.Clients.ClientDetail;

/// <summary>
/// A client: its recurring lines (manual or bound to a vendor count), agreement terms, pending one-off charges and the
/// vendor counts behind its lines.
/// </summary>
public sealed partial class ClientPage
{
    private CommandCenter.Clients.ClientDetail? _client;
    private VendorCountsSection? _counts;
    // Purchased vs assigned seats per catalog item, shown under the licence lines they bill.
    private Dictionary<Guid, LicenceComparison> _licences = [];
    // The newest snapshots of the client's mapped organisations: vendor lines are counted over their evidence, as billing does.
    private IReadOnlyList<CountGroup>? _countGroups;
    private IReadOnlyList<CatalogItemDto> _items = [];
    private IReadOnlyList<SourceOption> _sources = [];
    private SaveAgreementTerms.Terms? _terms;
    private IReadOnlyList<ChargeRow>? _charges;
    private bool _notFound;
    private LineFormModel? _form;
    private Guid? _editingLineId;
    private bool _saving;
    private FieldErrors _errors = FieldErrors.None;
    private List<BreadcrumbItem> _crumbs = [];

    [Inject] private GetClient.Handler GetClient { get; set; } = default!;

    [Inject] private SaveLine.Handler Lines { get; set; } = default!;

    [Inject] private SaveCatalogItem.Handler Catalog { get; set; } = default!;

    [Inject] private SaveClient.Handler Clients { get; set; } = default!;

    [Inject] private SaveAgreementTerms.Handler Terms { get; set; } = default!;

    [Inject] private LineSourceOptions.Handler SourceOptions { get; set; } = default!;

    [Inject] private Charges.Handler Charges { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [Parameter] public Guid ClientId { get; set; }

    /// <summary>What a line bills this month as the page shows it: a vendor line's count from the newest snapshot, else the manual quantity.</summary>
    private readonly record struct LineBill(decimal? Count, DateTime? TakenUtc, decimal? Billed, decimal? Monthly);

    private decimal MonthlyRecurring => _client?.Lines.Where(l => l.IsCurrent).Sum(l => Bill(l).Monthly ?? 0) ?? 0;

    protected override async Task OnParametersSetAsync()
    {
        _items = await Catalog.ListAsync();
        _sources = await SourceOptions.ListAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _client = await GetClient.HandleAsync(ClientId);
            _crumbs = [new BreadcrumbItem("Clients", "/clients"), new BreadcrumbItem(_client.Name, null, disabled: true)];
            _terms = await Terms.GetAsync(ClientId);
            await LoadChargesAsync();
        }
        catch (NotFoundException)
        {
            // Another tenant's client or none at all, indistinguishable: the app's 404 (status and not-found page).
            _notFound = true;
            Navigation.NotFound();
        }
    }

    private async Task LoadChargesAsync()
    {
        var page = await Charges.ListAsync(new Charges.Query(ClientId, null, 1, 1000));
        _charges = [.. page.Items.Where(c => !c.Billed).OrderBy(c => c.Date)];
    }

    private LineBill Bill(LineDetail line)
    {
        if (line.Source is null)
        {
            return new LineBill(null, null, line.BilledQuantity, line.MonthlyAmount);
        }

        if (Count(line.Source) is not { } counted)
        {
            return default;
        }

        var billed = RecurringLine.BilledQuantity(counted.Count, line.IncludedUnits, line.Minimum);
        return new LineBill(counted.Count, counted.TakenUtc, billed, Money.RoundCents(line.UnitPrice * billed));
    }

    /// <summary>The binding's count over the evidence of the newest snapshots the page already loaded (BillingEngine.Count, the rule billing applies).</summary>
    private (decimal Count, DateTime TakenUtc)? Count(LineSource source)
    {
        if (_countGroups is null || !SourceMetrics.All.Contains(source.Metric))
        {
            return null;
        }

        var metric = SourceMetrics.SnapshotMetric(source.Metric);
        var snapshots = _countGroups.Where(g => g.ConnectionId == source.ConnectionId && g.Metric == metric)
            .Select(g => new SourceSnapshot(g.OrganizationName, g.TakenUtc, g.Assets, g.Licences))
            .ToList();
        if (snapshots.Count == 0)
        {
            return null;
        }

        var binding = new VendorBinding(source.ConnectionId, source.Metric, VendorBinding.SplitClasses(source.Classes), source.Product, source.Basis);
        return (BillingEngine.Count(binding, snapshots).Count, snapshots.Max(s => s.TakenUtc));
    }

    private static string TermText(int value, string unit, int? own) =>
        (unit == "min" && value == 0 ? "none" : $"{value} {unit}") + (own is null ? " (tenant default)" : " (this client)");

    private void StartAdd()
    {
        _editingLineId = null;
        _errors = FieldErrors.None;
        _form = new LineFormModel { EffectiveFrom = FirstOfThisMonth() };
    }

    private void StartEdit(LineDetail line)
    {
        _editingLineId = line.Id;
        _errors = FieldErrors.None;
        _form = LineFormModel.From(line);
    }

    private void CancelForm()
    {
        _form = null;
        _editingLineId = null;
    }

    private async Task SaveLineAsync(LineFormModel model)
    {
        _saving = true;
        try
        {
            if (_editingLineId is { } lineId)
            {
                await Lines.UpdateAsync(ClientId, lineId, model.ToRequest());
            }
            else
            {
                await Lines.AddAsync(ClientId, model.ToRequest());
            }

            Snackbar.Add(_editingLineId is null ? "Line added." : "Line saved.", Severity.Success);
            CancelForm();
            await LoadAsync();
            await ReloadCountsAsync();
        }
        catch (ValidationFailedException ex)
        {
            _errors = FieldErrors.From(ex);
        }
        catch (NotFoundException ex)
        {
            _errors = FieldErrors.General(ex.Message);
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task RemoveLineAsync(LineDetail line)
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>("Remove line", new DialogParameters<ReasonDialog>
        {
            { d => d.Message, $"Remove \"{line.DisplayName}\" from {_client!.Name}? Posted months keep their copy." },
        });
        if (await dialog.Result is { Canceled: false, Data: string reason })
        {
            await Lines.RemoveAsync(ClientId, line.Id, reason);
            Snackbar.Add("Line removed.", Severity.Info);
            await LoadAsync();
            await ReloadCountsAsync();
        }
    }

    private async Task EditClientAsync()
    {
        var dialog = await Dialogs.ShowAsync<ClientDialog>("Edit client", new DialogParameters<ClientDialog> { { d => d.Client, _client } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            await LoadAsync();
        }
    }

    private async Task EditTermsAsync()
    {
        var dialog = await Dialogs.ShowAsync<AgreementTermsDialog>($"Agreement terms · {_client!.Name}",
            new DialogParameters<AgreementTermsDialog> { { d => d.ClientId, ClientId }, { d => d.Terms, _terms! } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: SaveAgreementTerms.Terms terms })
        {
            _terms = terms;
            Snackbar.Add("Agreement terms saved. Open billing runs take them at their next refresh.", Severity.Success);
        }
    }

    private async Task AddChargeAsync()
    {
        var dialog = await Dialogs.ShowAsync<AddChargeDialog>($"Add a charge or credit · {_client!.Name}", new DialogParameters<AddChargeDialog>
        {
            { d => d.ClientId, ClientId },
            { d => d.ClientName, _client.Name },
            { d => d.Items, _items },
        }, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: AddChargeDialog.Added added })
        {
            Snackbar.Add(added.Credit ? "Credit added." : "Charge added.", Severity.Success);
            await LoadChargesAsync();
        }
    }

    private async Task DeleteClientAsync()
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>("Delete client", new DialogParameters<ReasonDialog>
        {
            { d => d.Message, $"Delete {_client!.Name} and its {_client.Lines.Count} recurring line(s)? This is kept in the audit log." },
            { d => d.ConfirmText, "Delete" },
        });
        if (await dialog.Result is { Canceled: false, Data: string reason })
        {
            await Clients.DeleteAsync(ClientId, reason);
            Snackbar.Add($"{_client.Name} deleted.", Severity.Info);
            Navigation.NavigateTo("/clients");
        }
    }

    private void OnCountsLoaded(ClientCounts counts)
    {
        _countGroups = counts.Groups;
        _licences = counts.Licences.Where(l => l.CatalogItemId is not null).GroupBy(l => l.CatalogItemId!.Value).ToDictionary(g => g.Key, g => g.First());
    }

    // Findings compare vendor counts with the lines, so they move when a line does.
    private Task ReloadCountsAsync() => _counts?.ReloadAsync() ?? Task.CompletedTask;

    private DateTime FirstOfThisMonth()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
    }
}
