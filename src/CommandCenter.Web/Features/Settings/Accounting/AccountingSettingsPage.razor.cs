using System.Globalization;
using CommandCenter.Accounting;
using CommandCenter.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace CommandCenter.Web.Features.Settings.Accounting;

/// <summary>The accounting connection (Owner only): the target and its credentials, importing its customers and items, and the mappings.</summary>
public sealed partial class AccountingSettingsPage
{
    private static readonly AccountingKind[] Kinds = [AccountingKind.Conductor, AccountingKind.Qbo, AccountingKind.Xero, AccountingKind.Iif];

    private static readonly string[] Fields =
    [
        "kind", "baseUrl", "tokenUrl", "authorizeUrl", "timeoutSeconds", "credentials.secretKey", "credentials.endUserId", "credentials.clientId",
        "credentials.clientSecret", "iif.arAccount", "iif.incomeAccount", "iif.dateFormat",
    ];

    /// <summary>A QuickBooks list export of a few thousand customers is well under this.</summary>
    private const long MaxIifBytes = 5 * 1024 * 1024;

    private AccountingConnections.View? _view;
    private AccountingMappings.View? _mappings;
    private Model _model = new();
    private FieldErrors _errors = FieldErrors.None;
    private bool _loaded;
    private bool _busy;
    private bool _uploadReady;
    private int _tab;
    private bool _unmappedOnlyCustomers;
    private bool _unmappedOnlyItems;
    private AccountingConnections.ImportResult? _importResult;
    private IReadOnlyList<string> _importErrors = [];

    /// <summary>Set by the OAuth connect flow when it comes back: ?connected=1 or ?error=…</summary>
    [SupplyParameterFromQuery(Name = "connected")]
    public string? Connected { get; set; }

    [SupplyParameterFromQuery(Name = "error")]
    public string? OAuthError { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _view = await Connections.GetAsync();
        _model = Model.From(_view);
        await LoadMappingsAsync(initial: true);
        _loaded = true;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (_loaded && !_uploadReady && _view is { Kind: AccountingKind.Iif })
        {
            _uploadReady = true;
            StateHasChanged();
        }
    }

    private async Task LoadMappingsAsync(bool initial = false)
    {
        if (_view is null)
        {
            _mappings = null;
            return;
        }

        _mappings = await Mappings.ListAsync();
        if (initial)
        {
            // Unmapped first: the queue to work through, as long as there is one.
            _unmappedOnlyCustomers = _mappings.Clients.Any(c => !c.IsMapped);
            _unmappedOnlyItems = _mappings.Items.Any(i => !i.IsMapped);
        }
    }

    private void Touched(string field) => _errors = _errors.Without(field);

    private void KindChanged(AccountingKind kind)
    {
        _errors = _errors.Without("kind");
        if (kind == _model.Kind)
        {
            return;
        }

        // Another system: its own addresses, and credentials start empty (the stored ones belong to the old system).
        _model = _view is not null && _view.Kind == kind ? Model.From(_view) : Model.Empty(kind) with { TimeoutSeconds = _model.TimeoutSeconds };
    }

    private string StoredHint(string placeholder) =>
        _view is { HasCredentials: true } v && v.Kind == _model.Kind
            ? $"stored: {(string.IsNullOrEmpty(v.CredentialHint) ? "•••" : v.CredentialHint)} — leave blank to keep"
            : placeholder;

    private async Task SaveAsync()
    {
        var confirmKindChange = false;
        if (_view is not null && _view.Kind != _model.Kind)
        {
            var dialog = await Dialogs.ShowAsync<ConfirmAccountingDialog>("Change the accounting system?", new DialogParameters<ConfirmAccountingDialog>
            {
                {
                    d => d.Message,
                    $"Switching from {_view.DisplayName} to {AccountingEndpoints.DisplayName(_model.Kind)} clears the {_view.CustomersImported} imported customers and "
                    + $"{_view.ItemsImported} items, and every mapping ({_view.ClientsMapped} clients and {_view.ItemsMapped} catalog items are mapped now). "
                    + "Their ids mean nothing in the new system: you will import and map again."
                },
                { d => d.ConfirmText, "Change and clear mappings" },
                { d => d.ConfirmColor, Color.Error },
            });
            if (await dialog.Result is not { Canceled: false })
            {
                return;
            }

            confirmKindChange = true;
        }

        _busy = true;
        try
        {
            var kindChanged = _view is not null && _view.Kind != _model.Kind;
            _view = await Connections.SaveAsync(_model.ToRequest(_view?.Kind == _model.Kind ? _view.FallbackItemId : null, confirmKindChange));
            _model = Model.From(_view);
            _errors = FieldErrors.None;
            if (kindChanged)
            {
                _importResult = null;
            }

            await LoadMappingsAsync(initial: kindChanged || _mappings is null);
            Snackbar.Add($"{_view.DisplayName} saved.", Severity.Success);
        }
        catch (ValidationFailedException e)
        {
            _errors = FieldErrors.From(e);
        }
        catch (ConflictException e)
        {
            _errors = FieldErrors.General(e.Message);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CheckAsync()
    {
        _busy = true;
        try
        {
            var result = await Connections.CheckAsync();
            _view = await Connections.GetAsync();
            Snackbar.Add(result.Status == AccountingStatus.Connected ? "The connection works." : $"The connection failed: {result.Error}",
                result.Status == AccountingStatus.Connected ? Severity.Success : Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ImportAsync()
    {
        await RunImportAsync(() => Connections.ImportAsync());
    }

    private async Task UploadIifAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        if (file.Size > MaxIifBytes)
        {
            _importErrors = [$"The file is larger than {MaxIifBytes / 1024 / 1024} MB."];
            return;
        }

        await RunImportAsync(async () =>
        {
            await using var stream = file.OpenReadStream(MaxIifBytes);
            // QuickBooks Desktop writes IIF in the PC's ANSI code page; UTF-8 with BOM is read as such.
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1, detectEncodingFromByteOrderMarks: true);
            return await Connections.ImportIifListsAsync(await reader.ReadToEndAsync());
        });
    }

    private async Task RunImportAsync(Func<Task<AccountingConnections.ImportResult>> import)
    {
        _busy = true;
        _importResult = null;
        _importErrors = [];
        try
        {
            _importResult = await import();
            Snackbar.Add("Customers and items imported.", Severity.Success);
        }
        catch (ValidationFailedException e)
        {
            _importErrors = [.. e.Errors.SelectMany(x => x.Value)];
        }
        catch (AccountingException e)
        {
            _importErrors = [e.Message];
        }
        finally
        {
            _busy = false;
        }

        _view = await Connections.GetAsync();
        await LoadMappingsAsync(initial: true);
    }

    private async Task MapAsync(MappingTable.MapRequest request)
    {
        try
        {
            var result = request.Side == AccountingMappings.Side.Customers
                ? await Mappings.SetAsync([new AccountingMappings.CustomerMapping(request.Id, request.ExternalId)], [], request.Reason)
                : await Mappings.SetAsync([], [new AccountingMappings.ItemMapping(request.Id, request.ExternalId)], request.Reason);
            if (result.Changes is [var change])
            {
                Snackbar.Add(change.After is null ? $"{change.Name} is no longer mapped." : $"{change.Name} mapped.", Severity.Success);
            }
        }
        catch (ValidationFailedException e)
        {
            Snackbar.Add(string.Join(" ", e.Errors.SelectMany(x => x.Value)), Severity.Error);
        }

        await ReloadAsync();
    }

    private async Task AcceptAllAsync(AccountingMappings.Side side)
    {
        if (_mappings is null)
        {
            return;
        }

        var rows = (side == AccountingMappings.Side.Customers ? _mappings.Clients : _mappings.Items).Where(r => r.Suggestion is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var noun = side == AccountingMappings.Side.Customers ? "client" : "catalog item";
        var dialog = await Dialogs.ShowAsync<ConfirmAccountingDialog>("Accept suggestions", new DialogParameters<ConfirmAccountingDialog>
        {
            { d => d.Message, $"Map {rows.Count} {(rows.Count == 1 ? noun : noun + "s")} as suggested? Each mapping is recorded in the audit log and can be changed one by one." },
            { d => d.Lines, rows.Select(r => $"{r.Name} → {r.Suggestion!.Name} ({r.Suggestion.Reason})").ToList() },
            { d => d.ConfirmText, $"Accept {rows.Count}" },
        });
        if (await dialog.Result is not { Canceled: false })
        {
            return;
        }

        var result = await Mappings.AcceptSuggestionsAsync(side);
        Snackbar.Add(result.Changes.Count == 1 ? "1 suggestion accepted." : $"{result.Changes.Count} suggestions accepted.", Severity.Success);
        await ReloadAsync();
    }

    private async Task FallbackChangedAsync(string? externalId)
    {
        try
        {
            await Mappings.SetFallbackItemAsync(string.IsNullOrEmpty(externalId) ? null : externalId);
            Snackbar.Add("Fallback item saved.", Severity.Success);
        }
        catch (ValidationFailedException e)
        {
            Snackbar.Add(string.Join(" ", e.Errors.SelectMany(x => x.Value)), Severity.Error);
        }

        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _view = await Connections.GetAsync();
        await LoadMappingsAsync();
    }

    private static string ImportText(AccountingConnections.ImportResult r)
    {
        static string Part(string noun, AccountingConnections.ImportCounts? c) => c is null
            ? $"{noun}: not in the file"
            : string.Create(CultureInfo.InvariantCulture, $"{noun}: {c.Total} ({c.New} new, {c.Updated} updated, {c.Deactivated} no longer in the accounting system)");
        return $"{Part("Customers", r.Customers)} · {Part("Items", r.Items)}";
    }

    private static string StatusName(AccountingStatus status) => status switch
    {
        AccountingStatus.Connected => "connected",
        AccountingStatus.NeedsAuthorization => "needs-authorization",
        AccountingStatus.Failed => "failed",
        _ => "unchecked",
    };

    private static string StatusText(AccountingConnections.View v) => v.Status switch
    {
        AccountingStatus.Connected when v.Kind == AccountingKind.Iif => "Ready (file export)",
        AccountingStatus.Connected => "Connected",
        AccountingStatus.NeedsAuthorization => "Needs authorization",
        AccountingStatus.Failed => "Failed",
        _ => "Not tested yet",
    };

    private static Color StatusColor(AccountingStatus status) => status switch
    {
        AccountingStatus.Connected => Color.Success,
        AccountingStatus.NeedsAuthorization => Color.Warning,
        AccountingStatus.Failed => Color.Error,
        _ => Color.Default,
    };

    private static string StatusIcon(AccountingStatus status) => status switch
    {
        AccountingStatus.Connected => Icons.Material.Filled.CheckCircle,
        AccountingStatus.NeedsAuthorization => Icons.Material.Filled.Key,
        AccountingStatus.Failed => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.HourglassEmpty,
    };

    private sealed record Model
    {
        public AccountingKind Kind { get; set; }
        public string? BaseUrl { get; set; }
        public string? TokenUrl { get; set; }
        public string? AuthorizeUrl { get; set; }
        public int TimeoutSeconds { get; set; } = AccountingConnection.DefaultTimeoutSeconds;
        public string? SecretKey { get; set; }
        public string? EndUserId { get; set; }
        public string? ClientId { get; set; }
        public string? ClientSecret { get; set; }
        public string? IifArAccount { get; set; } = "Accounts Receivable";
        public string? IifIncomeAccount { get; set; } = "Services";
        public string? IifDateFormat { get; set; } = "MM/dd/yyyy";

        public static Model Empty(AccountingKind kind) => new() { Kind = kind };

        public static Model From(AccountingConnections.View? v) => v is null ? Empty(AccountingKind.Conductor) : new()
        {
            Kind = v.Kind,
            BaseUrl = v.BaseUrl,
            TokenUrl = v.TokenUrl,
            AuthorizeUrl = v.AuthorizeUrl,
            TimeoutSeconds = v.TimeoutSeconds,
            IifArAccount = v.Iif.ArAccount,
            IifIncomeAccount = v.Iif.IncomeAccount,
            IifDateFormat = v.Iif.DateFormat,
        };

        public AccountingConnections.Request ToRequest(string? fallbackItemId, bool confirmKindChange) => new(Kind, BaseUrl, TokenUrl, AuthorizeUrl, TimeoutSeconds,
            new AccountingConnections.CredentialsInput(SecretKey, EndUserId, ClientId, ClientSecret),
            new AccountingConnections.IifOptions(IifArAccount ?? "", IifIncomeAccount ?? "", IifDateFormat ?? ""), fallbackItemId, confirmKindChange);
    }
}
