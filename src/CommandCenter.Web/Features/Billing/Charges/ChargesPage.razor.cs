using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Web.Features.Clients.ClientDetail;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CommandCenter.Web.Features.Billing.Charges;

/// <summary>One-off charges and credits of a month (and optionally one client): list, add, delete while pending. Month, client and page live in the URL.</summary>
public sealed partial class ChargesPage
{

    private const int PageSize = 100;
    private Paged<ChargeRow>? _page;
    private IReadOnlyList<CatalogItemDto> _items = [];

    [SupplyParameterFromQuery(Name = "client")] public Guid? Client { get; set; }
    [SupplyParameterFromQuery(Name = "month")] public string? Month { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public int? PageNumber { get; set; }

    private int CurrentPage => Math.Max(1, PageNumber ?? 1);

    private BillingPeriod Period => BillingPeriod.TryParse(Month, out var period)
        ? period
        : BillingPeriod.Of(DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime));

    protected override async Task OnInitializedAsync() => _items = await Catalog.ListAsync();

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync() => _page = await Handler.ListAsync(new CommandCenter.Billing.Charges.Query(Client, Period, CurrentPage, PageSize));

    private async Task AddAsync()
    {
        var today = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
        var parameters = new DialogParameters<AddChargeDialog>
        {
            { d => d.Items, _items },
            // A month other than the current one is being looked at: the new charge starts dated in it.
            { d => d.Date, Period.Contains(today) ? today : Period.Start },
        };
        var dialog = await Dialogs.ShowAsync<AddChargeDialog>("Add a charge or credit", parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: AddChargeDialog.Added added })
        {
            Snackbar.Add(added.Credit ? "Credit added." : "Charge added.", Severity.Success);
            var month = BillingPeriod.Of(added.Date);
            if (month != Period)
            {
                SetMonth(month);
            }
            else
            {
                await LoadAsync();
            }
        }
    }

    private async Task DeleteAsync(ChargeRow charge)
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>("Delete charge", new DialogParameters<ReasonDialog>
        {
            { d => d.Message, $"Delete \"{charge.Description}\" ({Format.Currency(charge.Amount)}) for {charge.ClientName}? It will not be billed." },
            { d => d.ConfirmText, "Delete" },
        });
        if (await dialog.Result is not { Canceled: false, Data: string reason })
        {
            return;
        }

        try
        {
            await Handler.DeleteAsync(charge.Id, string.IsNullOrWhiteSpace(reason) ? null : reason);
            Snackbar.Add("Deleted.", Severity.Info);
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }

        await LoadAsync();
    }

    private void SetClient(Guid? client) => Navigate(client, Period, null);

    private void SetMonth(BillingPeriod month) => Navigate(Client, month, null);

    private void SetPage(int page) => Navigate(Client, Period, page);

    private void OnMonthText(string? value)
    {
        if (BillingPeriod.TryParse(value, out var month))
        {
            SetMonth(month);
        }
    }

    private void Navigate(Guid? client, BillingPeriod month, int? page) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["client"] = client,
            ["month"] = month.ToString(),
            ["page"] = page is > 1 ? page : null,
        }), replace: true);
}
