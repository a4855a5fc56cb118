using System.Globalization;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Web.Features.Clients.ClientDetail;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace CommandCenter.Web.Features.Billing.Review;

/// <summary>
/// The month's review (issue 5): every invoice and line of a billing run in one virtualized list, what moved against
/// last month and why, the flags that hold an invoice, adjustments with a reason, approvals, and live updates when a
/// sync lands or another user changes the run. Issue 6: Post all, the live posting panel, the locked month, reopening
/// and corrections.
/// </summary>
public sealed partial class BillingReviewPage : IAsyncDisposable
{
    /// <summary>Every row (invoice header or line) has this height in pixels: the virtualized list relies on it.</summary>
    internal const int RowHeight = 56;

    /// <summary>How long a line that changed under a live update stays highlighted.</summary>
    internal static readonly TimeSpan FlashDuration = TimeSpan.FromSeconds(2);

    private BillingPeriod? _period;
    private BillingPeriod? _loadedPeriod;
    private RunView? _run;
    private bool _missing;
    private bool _invalidPeriod;
    private List<Invoice> _visible = [];
    private List<ReviewRow> _rows = [];
    private (Guid ClientId, string LineKey)? _selectedKey;
    private ReviewRow? _selected;
    private readonly Dictionary<string, long> _flash = new(StringComparer.Ordinal);
    private ApproveResult? _approveResult;
    private bool _syncFirst;
    private bool _refreshing;
    private bool _refreshedWithSync;
    private long? _refreshElapsedMs;
    private bool _busy;
    private bool _reloading;
    private bool _reloadAgain;
    private bool _disposed;
    private Guid? _tenantId;
    private DateOnly _livePeriod;
    private IJSObjectReference? _keys;
    private DotNetObjectReference<BillingReviewPage>? _self;
    private string? _role;
    private PostingStatus? _posting;
    private PostPlan? _plan;
    private MonthReopened? _reopened;

    [Inject] private BillingRuns.Handler Runs { get; set; } = default!;
    [Inject] private Postings.Handler Postings { get; set; } = default!;
    [Inject] private MonthReopening.Handler Reopening { get; set; } = default!;
    [Inject] private BillingEvents Events { get; set; } = default!;
    [Inject] private TenantDb TenantDb { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>"YYYY-MM"; the current month when absent.</summary>
    [Parameter] public string? Period { get; set; }

    [SupplyParameterFromQuery(Name = "changed")] public bool Changed { get; set; }
    [SupplyParameterFromQuery(Name = "flagged")] public bool Flagged { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Search { get; set; }

    private BillingPeriod CurrentPeriod => BillingPeriod.Of(DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime));

    private bool CanGoNext => _period is { } p && p.Start < CurrentPeriod.Start;

    /// <summary>An open run takes refreshes, adjustments and approvals; a posted month is read-only.</summary>
    private bool Editable => _run is { Status: RunStatus.Open };

    /// <summary>Post all, retries and corrections are for Owner and Billing users (the page admits only them; the role is checked again here).</summary>
    private bool CanPost => _role is Roles.Owner or Roles.Billing;

    /// <summary>Reopening a locked month is the Owner's.</summary>
    private bool IsOwner => _role == Roles.Owner;

    private bool CanPostAll => _plan is { Ready: > 0, Problem: null };

    private string PostAllHint => _plan switch
    {
        null => "Post the approved invoices to the accounting system",
        { Problem: { } problem } => problem,
        { Ready: 0 } => "No approved invoice is waiting to be posted",
        { } plan => $"Post {plan.Ready} approved {(plan.Ready == 1 ? "invoice" : "invoices")} to {plan.TargetName}",
    };

    private bool Filtered => Changed || Flagged || !string.IsNullOrWhiteSpace(Search);

    private string CsvHref => _period is { } p
        ? Navigation.GetUriWithQueryParameters($"/billing/{p}/preview.csv", new Dictionary<string, object?>
        {
            ["changed"] = Changed ? true : null,
            ["flagged"] = Flagged ? true : null,
            ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
        })
        : "";

    /// <summary>What the month's corrections add (supplementary invoices) or give back (credit memos).</summary>
    private static decimal CorrectionsNet(PostingStatus status) =>
        status.Corrections.Sum(c => c.Kind == CorrectionKind.CreditMemo ? -c.Total : c.Total);

    private string CsvFileName => $"billing-preview-{_period}.csv";

    protected override async Task OnInitializedAsync()
    {
        // Only this tenant's changes reach this page: the circuit's tenant, resolved once (as the live Integrations page does).
        var scope = await TenantDb.ScopeAsync();
        _tenantId = scope.TenantId;
        _role = scope.Role;
        Events.Changed += OnBillingChanged;
    }

    protected override async Task OnParametersSetAsync()
    {
        _invalidPeriod = false;
        BillingPeriod period;
        if (Period is null)
        {
            period = CurrentPeriod;
        }
        else if (!BillingPeriod.TryParse(Period, out period))
        {
            _invalidPeriod = true;
            _period = null;
            _loadedPeriod = null;
            _run = null;
            ApplyFilter();
            return;
        }

        _period = period;
        // The run (up to 5,000 invoices, possibly computed on this first open) is read once, by the interactive
        // render; the prerender shows the page's frame with a progress bar instead of doing the same work twice.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        if (_loadedPeriod != period)
        {
            _loadedPeriod = period;
            _livePeriod = period.Start;
            _run = null;
            _posting = null;
            _plan = null;
            _reopened = null;
            _missing = false;
            _selectedKey = null;
            _approveResult = null;
            _refreshElapsedMs = null;
            _flash.Clear();
            await LoadAsync(period);
        }

        ApplyFilter();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            var module = await JS.InvokeAsync<IJSObjectReference>("import", "./Features/Billing/Review/BillingReviewPage.razor.js");
            _keys = await module.InvokeAsync<IJSObjectReference>("init", _self, RowHeight);
            await module.DisposeAsync();
            // Shortcuts work from here on (a test waits for data-keys-ready before pressing keys).
            StateHasChanged();
        }
    }

    /// <summary>
    /// Opens the month: the current and the previous month (month-end review happens early in the next month) are
    /// created on first open; an older month without a run is only started on request, so browsing back creates nothing.
    /// </summary>
    private async Task LoadAsync(BillingPeriod period)
    {
        var view = await Runs.FindAsync(period);
        var current = CurrentPeriod;
        if (view is null && period.Start >= current.Previous.Start && period.Start <= current.Start)
        {
            view = await Runs.OpenAsync(period);
        }

        _run = view;
        _missing = view is null;
        await LoadPostingAsync(period, view);
    }

    /// <summary>
    /// The posting side of the month (documents, lock) and, while the month is open, what Post all would do now. Read
    /// with the run on every reload, so the panel follows each state change the worker publishes.
    /// </summary>
    private async Task LoadPostingAsync(BillingPeriod period, RunView? view)
    {
        (_posting, _plan, _reopened) = await ReadPostingAsync(period, view);
    }

    private async Task<(PostingStatus?, PostPlan?, MonthReopened?)> ReadPostingAsync(BillingPeriod period, RunView? view)
    {
        if (view is null)
        {
            return (null, null, null);
        }

        var status = await Postings.StatusAsync(period);
        PostPlan? plan = null;
        if (view.Status == RunStatus.Open && CanPost)
        {
            try
            {
                plan = await Postings.PlanAsync(period);
            }
            catch (NotFoundException)
            {
                // The run went away under us: the next reload shows that.
            }
        }

        var reopened = view.Status == RunStatus.Reopened ? await Reopening.FindAsync(period) : null;
        return (status, plan, reopened);
    }

    private async Task StartRunAsync()
    {
        if (_period is not { } period)
        {
            return;
        }

        _busy = true;
        try
        {
            _run = await Runs.OpenAsync(period);
            _missing = false;
            await LoadPostingAsync(period, _run);
            ApplyFilter();
        }
        finally
        {
            _busy = false;
        }
    }

    private void ApplyFilter()
    {
        if (_run is null)
        {
            _visible = [];
            _rows = [];
            _selected = null;
            return;
        }

        _visible = [.. new RunFilter(Changed, Flagged, Search).Apply(_run.Invoices)];
        _rows = ReviewRows.Flatten(_visible);
        _selected = _selectedKey is { } key
            ? _rows.FirstOrDefault(r => r.Line is not null && r.Invoice.ClientId == key.ClientId && r.Line.Key == key.LineKey)
            : null;
        if (_selected is null)
        {
            _selectedKey = null;
        }
    }

    /// <summary>
    /// Reads the run again and shows it in place. Coalesces: a change arriving while a read is under way triggers one
    /// more read, never a pile of them. Lines whose quantity or amount moved flash for <see cref="FlashDuration"/>.
    /// </summary>
    private async Task ReloadAsync(long? version = null)
    {
        if (_disposed || _period is not { } period || (version is { } v && _run is { } shown && v <= shown.Version))
        {
            return;
        }

        if (_reloading)
        {
            _reloadAgain = true;
            return;
        }

        _reloading = true;
        try
        {
            do
            {
                _reloadAgain = false;
                var view = await Runs.FindAsync(period);
                var posting = await ReadPostingAsync(period, view);
                if (_period != period || _disposed)
                {
                    return;
                }

                Show(view);
                (_posting, _plan, _reopened) = posting;
            }
            while (_reloadAgain);
        }
        finally
        {
            _reloading = false;
        }

        StateHasChanged();
    }

    private void Show(RunView? view)
    {
        if (view is not null && _run is not null)
        {
            var moved = ReviewRows.Moved(_run.Invoices, view.Invoices);
            if (moved.Count > 0)
            {
                var until = Time.GetTimestamp() + (long)(FlashDuration.TotalSeconds * Time.TimestampFrequency);
                foreach (var key in moved)
                {
                    _flash[key] = until;
                }

                _ = EndFlashAsync();
            }
        }

        _run = view;
        _missing = view is null;
        ApplyFilter();
    }

    private async Task EndFlashAsync()
    {
        try
        {
            await Task.Delay(FlashDuration + TimeSpan.FromMilliseconds(50), Time);
        }
        catch (TaskCanceledException)
        {
            return;
        }

        if (_disposed)
        {
            return;
        }

        await InvokeAsync(() =>
        {
            var now = Time.GetTimestamp();
            foreach (var key in _flash.Where(f => f.Value <= now).Select(f => f.Key).ToList())
            {
                _flash.Remove(key);
            }

            StateHasChanged();
        });
    }

    /// <summary>A run changed (a landed sync, a refresh, another user's adjustment or approval): this tenant and month only.</summary>
    private void OnBillingChanged(BillingChange change)
    {
        if (change.TenantId != _tenantId || change.Period != _livePeriod || _disposed)
        {
            return;
        }

        _ = InvokeAsync(() => ReloadAsync(change.Version));
    }

    private async Task RefreshAsync()
    {
        if (_period is not { } period)
        {
            return;
        }

        _refreshing = true;
        var started = Time.GetTimestamp();
        try
        {
            // Shows the busy button first: on SQLite the refresh's I/O completes synchronously, so without a yield the
            // circuit would render nothing until the whole refresh is done.
            await Task.Yield();
            // A refresh of this month already under way (another user's click, another tab's) is joined, not queued behind.
            var view = await Runs.RefreshAsync(period, _syncFirst, joinRunning: true);
            _refreshElapsedMs = (long)Time.GetElapsedTime(started).TotalMilliseconds;
            _refreshedWithSync = _syncFirst;
            // The change the refresh published may have been shown already by the live reload meanwhile.
            if (_run is not { } shown || shown.RunId != view.RunId || shown.Version < view.Version)
            {
                Show(view);
                await LoadPostingAsync(period, view);
            }
        }
        catch (ConflictException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _refreshing = false;
        }
    }

    private async Task ApproveAsync(Invoice invoice)
    {
        if (_period is not { } period)
        {
            return;
        }

        _busy = true;
        try
        {
            var result = await Runs.ApproveAsync(period, [invoice.Id]);
            if (result.Skipped.FirstOrDefault() is { } skipped)
            {
                Snackbar.Add($"{skipped.ClientName} was not approved: {skipped.Reason}.", Severity.Warning);
            }
            else
            {
                Snackbar.Add($"{invoice.ClientName}'s invoice approved.", Severity.Success);
            }
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException or ValidationFailedException)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }

        await ReloadAsync();
    }

    private async Task UnapproveAsync(Invoice invoice)
    {
        if (_period is not { } period)
        {
            return;
        }

        var parameters = new DialogParameters<ReasonDialog>
        {
            { d => d.Message, $"{invoice.ClientName}'s invoice goes back to draft: it takes the newest counts and can be changed again." },
            { d => d.ConfirmText, "Un-approve" },
        };
        var dialog = await Dialogs.ShowAsync<ReasonDialog>("Un-approve invoice", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string reason })
        {
            return;
        }

        _busy = true;
        try
        {
            await Runs.UnapproveAsync(period, invoice.Id, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
            Snackbar.Add($"{invoice.ClientName}'s invoice is a draft again.", Severity.Info);
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }

        await ReloadAsync();
    }

    private async Task ApproveAllAsync()
    {
        if (_period is not { } period || _run is null)
        {
            return;
        }

        var parameters = new DialogParameters<ApproveAllDialog> { { d => d.Period, period }, { d => d.Invoices, _run.Invoices } };
        var dialog = await Dialogs.ShowAsync<ApproveAllDialog>($"Approve {period.Display}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: ApproveResult result })
        {
            _approveResult = result;
            Snackbar.Add($"{result.Approved} {(result.Approved == 1 ? "invoice" : "invoices")} approved" + (result.Skipped.Count > 0 ? $", {result.Skipped.Count} left out." : "."),
                result.Skipped.Count > 0 ? Severity.Warning : Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task PostAllAsync()
    {
        if (_period is not { } period || _run is null)
        {
            return;
        }

        // What the dialog states is read now, not when the page last reloaded.
        _plan = await Postings.PlanAsync(period);
        var parameters = new DialogParameters<PostAllDialog> { { d => d.Period, period }, { d => d.Plan, _plan } };
        var dialog = await Dialogs.ShowAsync<PostAllDialog>($"Post {period.Display}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: PostResult result })
        {
            ShowPosted(result, _plan.TargetName);
            await ReloadAsync();
        }
    }

    private void ShowPosted(PostResult result, string? target)
    {
        var message = result.Queued == 0
            ? "Nothing was queued: no approved invoice is waiting to be posted."
            : $"{result.Queued} {(result.Queued == 1 ? "document" : "documents")} totalling {Format.Currency(result.Total)} queued for {target ?? "posting"}.";
        var leftOut = result.NotApproved + result.Blocked.Count;
        if (leftOut > 0)
        {
            message += $" Left out: {(result.NotApproved > 0 ? $"{result.NotApproved} not approved" : "")}{(result.NotApproved > 0 && result.Blocked.Count > 0 ? ", " : "")}{(result.Blocked.Count > 0 ? $"{result.Blocked.Count} held by their mapping" : "")}.";
        }

        Snackbar.Add(message, result.Queued == 0 || result.Blocked.Count > 0 ? Severity.Warning : Severity.Success);
    }

    private async Task RetryFailedAsync()
    {
        if (_period is not { } period || _posting is null)
        {
            return;
        }

        var failed = PostingRows.FailedInvoices(_posting);
        if (failed.Count == 0)
        {
            return;
        }

        _busy = true;
        try
        {
            ShowPosted(await Postings.PostAllAsync(period, failed), _posting.TargetName);
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException or ValidationFailedException)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }

        await ReloadAsync();
    }

    private async Task CheckNowAsync()
    {
        if (_period is not { } period)
        {
            return;
        }

        var count = await Postings.CheckNowAsync(period);
        Snackbar.Add(count == 0 ? "No uncertain document is waiting." : $"Reading {count} uncertain {(count == 1 ? "document" : "documents")} back from the accounting system now.", Severity.Info);
    }

    private async Task ReopenAsync()
    {
        if (_period is not { } period)
        {
            return;
        }

        var dialog = await Dialogs.ShowAsync<ReopenMonthDialog>($"Reopen {period.Display}", new DialogParameters<ReopenMonthDialog> { { d => d.Period, period } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add($"{period.Display} is reopened for corrections.", Severity.Warning);
            await ReloadAsync();
        }
    }

    private async Task LockAgainAsync()
    {
        if (_period is not { } period)
        {
            return;
        }

        _busy = true;
        try
        {
            await Postings.LockAsync(period, null);
            Snackbar.Add($"{period.Display} is locked again.", Severity.Success);
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _busy = false;
        }

        await ReloadAsync();
    }

    private async Task AddCorrectionAsync(PostingRow original)
    {
        if (_period is not { } period)
        {
            return;
        }

        var parameters = new DialogParameters<CorrectionDialog> { { d => d.Period, period }, { d => d.Original, original } };
        var dialog = await Dialogs.ShowAsync<CorrectionDialog>($"Correct {original.ClientName}'s invoice {original.Number}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: CorrectionInfo created })
        {
            Snackbar.Add($"{(created.Kind == CorrectionKind.CreditMemo ? "Credit memo" : "Supplementary invoice")} of {Format.Currency(created.Total)} for {created.ClientName} queued.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DownloadExportAsync(IifExportInfo export)
    {
        if (_period is not { } period)
        {
            return;
        }

        var parameters = new DialogParameters<IifDownloadDialog> { { d => d.Period, period }, { d => d.Export, export } };
        await Dialogs.ShowAsync<IifDownloadDialog>("Download the IIF file", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
    }

    /// <summary>The header chip's short text; the tooltip and the dialog carry the whole message.</summary>
    private static string ProblemShort(string problem) =>
        problem.StartsWith("No accounting", StringComparison.Ordinal) ? "No accounting system connected" : "Accounting needs attention";

    private Task AdjustAsync(ReviewRow row) => ShowAdjustAsync(row.Invoice, row.Line, row.Line is { Flags.Count: > 0 } ? "Decide a flagged line" : "Adjust a line");

    private Task AddLineAsync(Invoice invoice) => ShowAdjustAsync(invoice, null, $"Add a line to {invoice.ClientName}'s invoice");

    private async Task ShowAdjustAsync(Invoice invoice, InvoiceLine? line, string title)
    {
        if (_period is not { } period)
        {
            return;
        }

        var parameters = new DialogParameters<AdjustLineDialog> { { d => d.Period, period }, { d => d.Invoice, invoice }, { d => d.Line, line } };
        var dialog = await Dialogs.ShowAsync<AdjustLineDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(line is null ? "Line added." : "Line saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private void OpenEvidence(ReviewRow row)
    {
        if (row.Line is null)
        {
            return;
        }

        _selectedKey = (row.Invoice.ClientId, row.Line.Key);
        _selected = row;
    }

    private void CloseEvidence()
    {
        _selectedKey = null;
        _selected = null;
    }

    /// <summary>Keyboard: where j/k/arrows/Home/End move the focus from a row (the script scrolls and focuses it); Enter opens a line.</summary>
    /// <summary>
    /// Keyboard (the script calls on the circuit's dispatcher): where j/k/arrows/Home/End move the focus from a row — the
    /// script scrolls there and focuses it —; Enter opens a line's evidence.
    /// </summary>
    [JSInvokable]
    public int Key(string key, int index)
    {
        if (key != "Enter")
        {
            return ReviewRows.Move(_rows, index, key);
        }

        if (index >= 0 && index < _rows.Count && !_rows[index].IsHeader)
        {
            OpenEvidence(_rows[index]);
            StateHasChanged();
        }

        return -1;
    }

    [JSInvokable]
    public void CloseEvidenceFromKeyboard()
    {
        if (_selected is not null)
        {
            CloseEvidence();
            StateHasChanged();
        }
    }

    private void SetSearch(string? value) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", string.IsNullOrWhiteSpace(value) ? null : value.Trim()), replace: true);

    private void SetChanged(bool value) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("changed", value ? true : (bool?)null), replace: true);

    private void SetFlagged(bool value) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("flagged", value ? true : (bool?)null), replace: true);

    private string MonthHref(BillingPeriod period) => Navigation.GetUriWithQueryParameters($"/billing/{period}", new Dictionary<string, object?>
    {
        ["changed"] = Changed ? true : null,
        ["flagged"] = Flagged ? true : null,
        ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
    });

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Elapsed(long ms) => ms < 1000 ? $"{ms} ms" : (ms / 1000.0).ToString("0.0 's'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        Events.Changed -= OnBillingChanged;
        if (_keys is not null)
        {
            try
            {
                await _keys.InvokeVoidAsync("dispose");
                await _keys.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone with its browser: nothing to detach.
            }
        }

        _self?.Dispose();
    }
}
