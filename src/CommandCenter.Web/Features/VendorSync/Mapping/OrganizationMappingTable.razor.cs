using System.Globalization;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.VendorSync;
using CommandCenter.Web.Features.Clients.ClientDetail;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CommandCenter.Web.Features.VendorSync.Mapping;

/// <summary>
/// Vendor organisations and the clients they bill to, paged server-side: confirm a suggestion, pick another client,
/// ignore (with a reason) or unmap. Every change goes through <see cref="Mappings.Handler"/>, which audits it.
/// Embeddable: with <see cref="ConnectionId"/> it shows one connection's organisations.
/// </summary>
public sealed partial class OrganizationMappingTable : IDisposable
{
    public const int PageSize = 50;

    private readonly Dictionary<Guid, ClientRow> _picked = [];
    private CancellationTokenSource _loading = new();
    private Paged<OrganizationRow>? _result;
    private (Guid?, Mappings.OrganizationFilter, string?, int)? _loadedKey;
    private int _page = 1;
    private bool _busy;

    [Inject] private Mappings.Handler Handler { get; set; } = default!;
    [Inject] private ListClients.Handler ClientList { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Only this connection's organisations; null = every connection (and a vendor column).</summary>
    [Parameter] public Guid? ConnectionId { get; set; }

    [Parameter] public Mappings.OrganizationFilter Filter { get; set; } = Mappings.OrganizationFilter.All;

    [Parameter] public string? Search { get; set; }

    /// <summary>The page to show when the parent keeps it (e.g. in the URL) and handles <see cref="PageChanged"/>; otherwise the table pages itself.</summary>
    [Parameter] public int? Page { get; set; }

    [Parameter] public EventCallback<int> PageChanged { get; set; }

    /// <summary>Raised after any mapping changed (the parent's unmapped count moves).</summary>
    [Parameter] public EventCallback OnChanged { get; set; }

    private int CurrentPage => PageChanged.HasDelegate ? Math.Max(1, Page ?? 1) : _page;

    private int PageCount => _result is null ? 1 : Math.Max(1, (int)Math.Ceiling(_result.Total / (double)PageSize));

    private string RangeText => _result is null || _result.Total == 0
        ? ""
        : string.Create(CultureInfo.InvariantCulture,
            $"{(CurrentPage - 1) * PageSize + 1}–{(CurrentPage - 1) * PageSize + _result.Items.Count} of {_result.Total} organisations");

    private string EmptyText => (Filter, string.IsNullOrWhiteSpace(Search)) switch
    {
        (_, false) => $"No organisation matches \"{Search}\".",
        (Mappings.OrganizationFilter.Unmapped, _) => "Nothing to map: every vendor organisation is mapped to a client or ignored.",
        (Mappings.OrganizationFilter.Mapped, _) => "No organisation is mapped yet.",
        (Mappings.OrganizationFilter.Ignored, _) => "No organisation is ignored.",
        _ => "No vendor organisations yet: they appear after a connection's first sync.",
    };

    protected override async Task OnParametersSetAsync()
    {
        var key = (ConnectionId, Filter, Search, PageChanged.HasDelegate ? CurrentPage : 0);
        if (_loadedKey.Equals(key))
        {
            return;
        }

        if (!PageChanged.HasDelegate && _loadedKey is not null)
        {
            _page = 1;
        }

        _loadedKey = key;
        await ReloadAsync();
    }

    /// <summary>Reads the current page again (after a change made outside the table, e.g. accepting all suggestions).</summary>
    public async Task ReloadAsync()
    {
        await _loading.CancelAsync();
        _loading.Dispose();
        _loading = new CancellationTokenSource();
        var token = _loading.Token;
        try
        {
            var result = await Handler.OrganizationsAsync(
                new Mappings.OrganizationQuery(ConnectionId, Filter, Search, CurrentPage, PageSize), token);
            if (result.Items.Count == 0 && result.Total > 0 && CurrentPage > 1)
            {
                // The last row of the last page was just mapped away: show the page before it.
                await GoToPageAsync(Math.Max(1, (int)Math.Ceiling(result.Total / (double)PageSize)));
                return;
            }

            _result = result;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }

        StateHasChanged();
    }

    private async Task GoToPageAsync(int page)
    {
        if (PageChanged.HasDelegate)
        {
            await PageChanged.InvokeAsync(page);
            return;
        }

        _page = page;
        await ReloadAsync();
    }

    private async Task<IEnumerable<ClientRow>> SearchClientsAsync(string? text, CancellationToken cancellationToken)
    {
        var page = await ClientList.HandleAsync(new ListClients.Request(text, PageSize: 20), cancellationToken);
        return page.Items;
    }

    private ClientRow? Picked(OrganizationRow row) => _picked.GetValueOrDefault(row.Id);

    private void Pick(OrganizationRow row, ClientRow? client)
    {
        if (client is null)
        {
            _picked.Remove(row.Id);
        }
        else
        {
            _picked[row.Id] = client;
        }
    }

    private Task ConfirmAsync(OrganizationRow row) =>
        SaveAsync(row, row.SuggestedClientId, false, $"Confirmed suggestion ({row.SuggestionScore} %)", $"{row.Name} mapped to {row.SuggestedClientName}.");

    private Task MapAsync(OrganizationRow row) =>
        Picked(row) is { } client ? SaveAsync(row, client.Id, false, "Mapped by hand", $"{row.Name} mapped to {client.Name}.") : Task.CompletedTask;

    private async Task IgnoreAsync(OrganizationRow row)
    {
        if (await AskReasonAsync("Ignore organisation", $"Ignore {row.Name}? It leaves the Unmapped queue and its counts bill to no client.", "Ignore") is { } reason)
        {
            await SaveAsync(row, null, true, reason, $"{row.Name} ignored.");
        }
    }

    private async Task UnmapAsync(OrganizationRow row)
    {
        var message = row.Ignored
            ? $"Put {row.Name} back in the Unmapped queue?"
            : $"Unmap {row.Name} from {row.ClientName}? Its counts stop billing to that client and it returns to the Unmapped queue.";
        if (await AskReasonAsync(row.Ignored ? "Un-ignore organisation" : "Unmap organisation", message, row.Ignored ? "Un-ignore" : "Unmap") is { } reason)
        {
            await SaveAsync(row, null, false, reason, row.Ignored ? $"{row.Name} is back in the Unmapped queue." : $"{row.Name} unmapped.");
        }
    }

    private async Task<string?> AskReasonAsync(string title, string message, string confirmText)
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>(title, new DialogParameters<ReasonDialog>
        {
            { d => d.Message, message },
            { d => d.ConfirmText, confirmText },
        });
        return await dialog.Result is { Canceled: false, Data: string reason } ? reason : null;
    }

    private async Task SaveAsync(OrganizationRow row, Guid? clientId, bool ignore, string? reason, string done)
    {
        _busy = true;
        try
        {
            await Handler.MapOrganizationAsync(row.ConnectionId, row.ExternalId, clientId, ignore, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
            _picked.Remove(row.Id);
            Snackbar.Add(done, Severity.Success);
        }
        catch (ValidationFailedException ex)
        {
            Snackbar.Add(string.Join(" ", ex.Errors.SelectMany(e => e.Value)), Severity.Error);
        }
        catch (NotFoundException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }

        await ReloadAsync();
        await OnChanged.InvokeAsync();
    }

    private static string State(OrganizationRow row) => row.ClientId is not null ? "mapped" : row.Ignored ? "ignored" : "unmapped";

    private static Color ScoreColor(int? score) => score switch
    {
        >= 90 => Color.Success,
        >= 75 => Color.Info,
        _ => Color.Warning,
    };

    public void Dispose()
    {
        _loading.Cancel();
        _loading.Dispose();
    }
}
