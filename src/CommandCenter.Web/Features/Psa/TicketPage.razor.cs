using CommandCenter.Common;
using CommandCenter.Psa;
using CommandCenter.Web.Features.Clients.ClientDetail;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CommandCenter.Web.Features.Psa;

public partial class TicketPage
{
    private TicketDetail? _detail;
    private bool _notFound;
    private bool _saving;
    private List<string> _timeErrors = [];
    private TimeForm _time = new();
    private List<BreadcrumbItem> _crumbs = [];

    [Inject] private Tickets.Handler Tickets { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    [Parameter] public Guid TicketId { get; set; }

    private DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    /// <summary>The month the usage link opens: that of the ticket's latest time, else this month.</summary>
    private DateOnly UsageMonth
    {
        get
        {
            var day = _detail?.Entries.Count > 0 ? _detail.Entries.Max(e => e.WorkDate) : Today;
            return new DateOnly(day.Year, day.Month, 1);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _notFound = false;
        await LoadAsync();
        if (_detail is not null)
        {
            var user = (await Auth).User.Identity?.Name;
            _time = new TimeForm { Technician = user ?? _detail.Ticket.Technician, Date = Today.ToDateTime(TimeOnly.MinValue) };
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            _detail = await Tickets.GetAsync(TicketId);
            _crumbs = [new BreadcrumbItem("Tickets", "/psa"), new BreadcrumbItem($"#{_detail.Ticket.Number}", null, disabled: true)];
        }
        catch (NotFoundException)
        {
            // Another tenant's ticket or none at all, indistinguishable: the app's 404 (status and not-found page).
            _notFound = true;
            _detail = null;
            Navigation.NotFound();
        }
    }

    private async Task AddTimeAsync()
    {
        _timeErrors = [];
        if (_time.Minutes is null || _time.Date is null)
        {
            _timeErrors = [.. _time.Date is null ? new[] { "Pick the day the work was done." } : [], .. _time.Minutes is null ? new[] { "Enter the minutes worked." } : []];
            return;
        }

        _saving = true;
        try
        {
            await Tickets.AddTimeAsync(TicketId, new Tickets.TimeRequest(_time.Technician ?? "", DateOnly.FromDateTime(_time.Date.Value), _time.Minutes.Value, _time.Notes));
            Snackbar.Add($"{PsaText.Duration(_time.Minutes.Value)} added.", Severity.Success);
            _time = new TimeForm { Technician = _time.Technician, Date = _time.Date };
            await LoadAsync();
        }
        catch (ValidationFailedException ex)
        {
            _timeErrors = ex.Errors.SelectMany(e => e.Value).ToList();
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task CloseTicketAsync()
    {
        // Fresh numbers: the time and block balance the user confirms are the ones the close applies to.
        await LoadAsync();
        if (_detail is null)
        {
            return;
        }

        var dialog = await Dialogs.ShowAsync<CloseTicketDialog>($"Close ticket #{_detail.Ticket.Number}", new DialogParameters<CloseTicketDialog> { { d => d.Detail, _detail } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: BillingClass billingClass })
        {
            Snackbar.Add($"Ticket #{_detail.Ticket.Number} closed as {PsaText.Label(billingClass)}.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task OverrideAsync(TimeEntryRow entry, BillingClass billingClass)
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>("Bill this entry differently", new DialogParameters<ReasonDialog>
        {
            { d => d.Message, $"Bill {PsaText.Duration(entry.Minutes)} of {entry.Technician} on {Format.Date(entry.WorkDate)} as {PsaText.Label(billingClass)} instead of {PsaText.Label(entry.BillingClass)}?" },
            { d => d.ConfirmText, "Reclassify" },
        });
        if (await dialog.Result is not { Canceled: false, Data: string reason })
        {
            return;
        }

        try
        {
            await Tickets.OverrideClassAsync(entry.Id, billingClass, reason);
            Snackbar.Add($"Entry billed as {PsaText.Label(billingClass)}.", Severity.Success);
            await LoadAsync();
        }
        catch (ValidationFailedException ex)
        {
            Snackbar.Add(string.Join(" ", ex.Errors.SelectMany(e => e.Value)), Severity.Error);
        }
    }

    private sealed class TimeForm
    {
        public string? Technician { get; set; }
        public DateTime? Date { get; set; }
        public int? Minutes { get; set; }
        public string? Notes { get; set; }
    }
}
