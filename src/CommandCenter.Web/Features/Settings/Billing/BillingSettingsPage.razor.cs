using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CommandCenter.Web.Features.Settings.Billing;

/// <summary>The tenant's Billing settings: an Owner edits them, the Billing role reads them. Validation messages show at their fields.</summary>
public sealed partial class BillingSettingsPage
{

    private static readonly string[] Fields =
    [
        "staleAfterHours", "dropPercent", "highlightPercent", "highlightAmount", "paymentTermsDays", "timeIncrementMinutes", "ticketMinimumMinutes",
        "invoicePrefix", "nextInvoiceNumber", "currency", "timeZone", "timeItemId", "blockItemId", "reason",
    ];

    /// <summary>Zones MSPs bill in most; any other IANA name can be typed.</summary>
    private static readonly string[] CommonZones =
    [
        "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
        "America/Toronto", "America/Vancouver", "America/Halifax", "America/Mexico_City", "America/Sao_Paulo", "Europe/London", "Europe/Dublin", "Europe/Paris",
        "Europe/Berlin", "Europe/Amsterdam", "Europe/Madrid", "Europe/Stockholm", "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
        "Asia/Tokyo", "Australia/Perth", "Australia/Brisbane", "Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland",
    ];

    private Model? _model;
    private IReadOnlyList<CatalogItemDto> _items = [];
    private string? _reason;
    private bool _saving;
    private bool _canEdit;
    private DateTime? _updatedUtc;
    private FieldErrors _errors = FieldErrors.None;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _canEdit = (await AuthenticationState).User.IsInRole(Roles.Owner);
        _items = await Catalog.ListAsync();
        Show(await Store.GetAsync());
    }

    private void Show(BillingSettings settings)
    {
        _model = Model.From(settings);
        _updatedUtc = settings.UpdatedUtc;
    }

    private Task<IEnumerable<string>> SearchZones(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text) || CommonZones.Contains(text, StringComparer.OrdinalIgnoreCase)
            ? CommonZones.AsEnumerable()
            : CommonZones.Where(z => z.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private void Touched(string field) => _errors = _errors.Without(field);

    private async Task SaveAsync()
    {
        // The page is readable by the Billing role; only an Owner saves (checked here too, not only by hiding the button).
        if (!(await AuthenticationState).User.IsInRole(Roles.Owner) || _model is null)
        {
            return;
        }

        _saving = true;
        try
        {
            Show(await Store.SaveAsync(_model.ToRequest(string.IsNullOrWhiteSpace(_reason) ? null : _reason)));
            _errors = FieldErrors.None;
            _reason = null;
            Snackbar.Add("Billing settings saved. Open billing runs take them at their next refresh.", Severity.Success);
        }
        catch (ValidationFailedException ex)
        {
            _errors = FieldErrors.From(ex);
        }
        finally
        {
            _saving = false;
        }
    }

    private sealed class Model
    {
        public int StaleAfterHours { get; set; }
        public decimal DropPercent { get; set; }
        public decimal HighlightPercent { get; set; }
        public decimal HighlightAmount { get; set; }
        public int PaymentTermsDays { get; set; }
        public int TimeIncrementMinutes { get; set; }
        public int TicketMinimumMinutes { get; set; }
        public string? InvoicePrefix { get; set; }
        public int NextInvoiceNumber { get; set; }
        public string? Currency { get; set; }
        public string? TimeZone { get; set; }
        public Guid? TimeItemId { get; set; }
        public Guid? BlockItemId { get; set; }

        public static Model From(BillingSettings s) => new()
        {
            StaleAfterHours = s.StaleAfterHours,
            DropPercent = s.DropPercent,
            HighlightPercent = s.HighlightPercent,
            HighlightAmount = s.HighlightAmount,
            PaymentTermsDays = s.PaymentTermsDays,
            TimeIncrementMinutes = s.TimeIncrementMinutes,
            TicketMinimumMinutes = s.TicketMinimumMinutes,
            InvoicePrefix = s.InvoicePrefix,
            NextInvoiceNumber = s.NextInvoiceNumber,
            Currency = s.Currency,
            TimeZone = s.TimeZone,
            TimeItemId = s.TimeItemId,
            BlockItemId = s.BlockItemId,
        };

        public BillingSettingsStore.Request ToRequest(string? reason) => new(StaleAfterHours, DropPercent, HighlightPercent, HighlightAmount, PaymentTermsDays,
            TimeIncrementMinutes, TicketMinimumMinutes, InvoicePrefix?.Trim() ?? "", NextInvoiceNumber, Currency?.Trim().ToUpperInvariant() ?? "", TimeZone?.Trim() ?? "",
            TimeItemId, BlockItemId, reason);
    }
}
