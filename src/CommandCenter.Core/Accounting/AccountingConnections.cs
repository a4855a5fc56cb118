using CommandCenter.Audit;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Accounting;

/// <summary>
/// The tenant's one accounting connection: read (never a secret), save (validated per kind, audited), check, import the
/// target's customers and items (upserted by external id; what disappeared is deactivated, never deleted), delete.
/// </summary>
public static class AccountingConnections
{
    /// <summary>Blank fields keep what is stored (a secret is never sent back to be re-entered).</summary>
    public sealed record CredentialsInput(string? SecretKey = null, string? EndUserId = null, string? ClientId = null, string? ClientSecret = null);

    public sealed record IifOptions(string ArAccount, string IncomeAccount, string DateFormat);

    public sealed record Request(
        AccountingKind Kind,
        string? BaseUrl = null,
        string? TokenUrl = null,
        string? AuthorizeUrl = null,
        int? TimeoutSeconds = null,
        CredentialsInput? Credentials = null,
        IifOptions? Iif = null,
        string? FallbackItemId = null,
        bool ConfirmKindChange = false);

    public sealed record View(
        Guid Id,
        AccountingKind Kind,
        string DisplayName,
        string? BaseUrl,
        string? TokenUrl,
        string? AuthorizeUrl,
        string? CredentialHint,
        bool HasCredentials,
        bool Authorized,
        int TimeoutSeconds,
        AccountingStatus Status,
        DateTime? LastCheckedUtc,
        string? LastError,
        int CustomersImported,
        int ItemsImported,
        DateTime? CustomersImportedUtc,
        DateTime? ItemsImportedUtc,
        int ClientsMapped,
        int ClientsUnmapped,
        int ItemsMapped,
        int ItemsUnmapped,
        string? FallbackItemId,
        string? FallbackItemName,
        IifOptions Iif,
        int SettingsVersion,
        DateTime UpdatedUtc)
    {
        public bool UsesOAuth => IsOAuth(Kind);
    }

    public sealed record CheckResult(AccountingStatus Status, string? Error, DateTime CheckedUtc);

    public sealed record ImportCounts(int New, int Updated, int Deactivated, int Total);

    /// <summary>Null counts: that list was not part of the import (an IIF file with customers only).</summary>
    public sealed record ImportResult(ImportCounts? Customers, ImportCounts? Items, DateTime ImportedUtc);

    /// <summary>The date formats an IIF file can be written in (the importing PC's locale decides).</summary>
    public static readonly IReadOnlyList<string> IifDateFormats = ["MM/dd/yyyy", "dd/MM/yyyy", "MM/dd/yy"];

    public const int MinTimeoutSeconds = 5;
    public const int MaxTimeoutSeconds = 300;
    public const string NoLongerInTarget = "no longer in the accounting system";
    public const string InactiveInTarget = "inactive in the accounting system";

    public static bool IsOAuth(AccountingKind kind) => kind is AccountingKind.Qbo or AccountingKind.Xero;

    /// <summary>The API name of a kind: conductor | qbo | xero | iif.</summary>
    public static string ToApi(AccountingKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryParseKind(string? value, out AccountingKind kind)
    {
        kind = default;
        return value is not null && value.Trim().ToLowerInvariant() is "conductor" or "qbo" or "xero" or "iif"
            && Enum.TryParse(value.Trim(), ignoreCase: true, out kind);
    }

    /// <summary>Field-level rules; <paramref name="existing"/> is the stored connection when it keeps its kind (blank credentials keep).</summary>
    public static void Validate(Request r, AccountingConnection? existing, AccountingCredentials? stored)
    {
        var v = new Validator();
        if (!Enum.IsDefined(r.Kind))
        {
            v.Add("kind", "kind must be one of \"conductor\", \"qbo\", \"xero\", \"iif\".");
            v.ThrowIfInvalid();
        }

        var keeps = existing is not null && existing.Kind == r.Kind ? stored : null;
        if (r.Kind != AccountingKind.Iif)
        {
            Url(v, "baseUrl", r.BaseUrl, "Base URL");
        }

        if (IsOAuth(r.Kind))
        {
            Url(v, "tokenUrl", r.TokenUrl, "Token URL");
            Url(v, "authorizeUrl", r.AuthorizeUrl, "Authorize URL");
        }

        v.Range("timeoutSeconds", r.TimeoutSeconds, MinTimeoutSeconds, MaxTimeoutSeconds, "The timeout", " seconds");
        var c = r.Credentials ?? new CredentialsInput();
        switch (r.Kind)
        {
            case AccountingKind.Conductor:
                Secret(v, "credentials.secretKey", c.SecretKey, keeps?.SecretKey, "Secret key");
                Secret(v, "credentials.endUserId", c.EndUserId, keeps?.EndUserId, "End-user id");
                break;
            case AccountingKind.Qbo or AccountingKind.Xero:
                Secret(v, "credentials.clientId", c.ClientId, keeps?.ClientId, "Client id");
                Secret(v, "credentials.clientSecret", c.ClientSecret, keeps?.ClientSecret, "Client secret");
                break;
        }

        if (r.Kind == AccountingKind.Iif && r.Iif is { } iif)
        {
            v.Require("iif.arAccount", iif.ArAccount, 100, "The A/R account");
            v.Require("iif.incomeAccount", iif.IncomeAccount, 100, "The income account");
            if (!IifDateFormats.Contains(iif.DateFormat?.Trim() ?? "", StringComparer.Ordinal))
            {
                v.Add("iif.dateFormat", $"The date format must be one of {string.Join(", ", IifDateFormats)}.");
            }
        }

        v.MaxLength("fallbackItemId", r.FallbackItemId, 100, "The fallback item");
        v.ThrowIfInvalid();
    }

    private static void Secret(Validator v, string field, string? value, string? stored, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (string.IsNullOrEmpty(stored))
            {
                v.Add(field, $"{label} is required.");
            }
        }
        else if (value.Trim().Length > 1000)
        {
            v.Add(field, $"{label} must be at most 1000 characters.");
        }
    }

    private static void Url(Validator v, string field, string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return; // the vendor's default
        }

        if (value.Trim().Length > AccountingConnection.UrlMaxLength
            || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            v.Add(field, $"{label} must be an absolute http(s) address without query, e.g. https://api.example.com/v1.");
        }
    }

    public sealed class Handler(
        TenantDb tenantDb,
        AuditWriter audit,
        AccountingCredentialProtector protector,
        AccountingEndpoints endpoints,
        IServiceProvider services,
        TimeProvider time)
    {
        /// <summary>The connection, or null when the tenant has none yet.</summary>
        public async Task<View?> GetAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            return connection is null ? null : await ViewAsync(db, connection, cancellationToken);
        }

        public async Task<View> SaveAsync(Request request, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.SingleOrDefaultAsync(cancellationToken);
            var stored = connection is null ? null : protector.Unprotect(connection.ProtectedCredentials);
            Validate(request, connection, stored);
            var now = time.GetUtcNow().UtcDateTime;
            var kindChanges = connection is not null && connection.Kind != request.Kind;
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            if (kindChanges)
            {
                await ConfirmKindChangeAsync(db, connection!, request, cancellationToken);
            }

            var fallback = request.FallbackItemId?.Trim() is { Length: > 0 } f ? f : null;
            if (fallback is not null && (connection is null || kindChanges
                || !await db.AccountingRecords.AnyAsync(r => r.ConnectionId == connection.Id && r.Kind == AccountingRecordKinds.Item && r.ExternalId == fallback && r.Active, cancellationToken)))
            {
                throw ValidationFailedException.For("fallbackItemId", $"'{fallback}' is not an active item imported from the accounting system.");
            }

            var creating = connection is null;
            connection ??= new AccountingConnection { CreatedUtc = now };
            var before = creating ? null : Snapshot(connection, null);
            var credentials = MergeCredentials(request, kindChanges ? null : stored);
            var credentialsChanged = creating || kindChanges || credentials != stored;
            var addressChanged = creating || kindChanges || CleanUrl(request.BaseUrl) != connection.BaseUrl || CleanUrl(request.TokenUrl) != connection.TokenUrl;
            connection.Kind = request.Kind;
            connection.BaseUrl = request.Kind == AccountingKind.Iif ? null : CleanUrl(request.BaseUrl);
            connection.TokenUrl = IsOAuth(request.Kind) ? CleanUrl(request.TokenUrl) : null;
            connection.AuthorizeUrl = IsOAuth(request.Kind) ? CleanUrl(request.AuthorizeUrl) : null;
            connection.TimeoutSeconds = request.TimeoutSeconds ?? AccountingConnection.DefaultTimeoutSeconds;
            connection.ProtectedCredentials = request.Kind == AccountingKind.Iif ? null : protector.Protect(credentials);
            connection.CredentialHint = request.Kind == AccountingKind.Iif ? null : AccountingCredentialProtector.Hint(request.Kind, credentials);
            connection.FallbackItemRef = fallback;
            if (request.Kind == AccountingKind.Iif && request.Iif is { } iif)
            {
                connection.IifArAccount = iif.ArAccount.Trim();
                connection.IifIncomeAccount = iif.IncomeAccount.Trim();
                connection.IifDateFormat = iif.DateFormat.Trim();
            }

            if (request.Kind == AccountingKind.Iif)
            {
                // A file needs no connection: nothing to check.
                connection.Status = AccountingStatus.Connected;
                connection.LastError = null;
            }
            else if (credentialsChanged || addressChanged)
            {
                connection.Status = IsOAuth(request.Kind) && credentials.RefreshToken is null ? AccountingStatus.NeedsAuthorization : AccountingStatus.Unchecked;
                connection.LastError = null;
            }

            if (kindChanges)
            {
                connection.CustomersImportedUtc = null;
                connection.ItemsImportedUtc = null;
            }

            connection.UpdatedUtc = now;
            if (creating)
            {
                db.AccountingConnections.Add(connection);
            }
            else
            {
                connection.SettingsVersion++;
            }

            var credentialFields = request.Kind == AccountingKind.Iif || !credentialsChanged ? null : ChangedCredentialFields(kindChanges ? null : stored, credentials);
            audit.Record(db, "accounting.connection.saved", nameof(AccountingConnection), connection.Id, before, Snapshot(connection, credentialFields));
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return await ViewAsync(db, connection, cancellationToken);
        }

        /// <summary>
        /// A new kind means a different accounting system: its ids mean nothing there, so the imported records and every
        /// mapping go — only when the owner confirmed it, and never while documents are being posted to the old one.
        /// </summary>
        private async Task ConfirmKindChangeAsync(AppDbContext db, AccountingConnection connection, Request request, CancellationToken cancellationToken)
        {
            var records = await db.AccountingRecords.CountAsync(r => r.ConnectionId == connection.Id, cancellationToken);
            var clients = await db.Clients.CountAsync(c => c.AccountingCustomerRef != null, cancellationToken);
            var items = await db.CatalogItems.CountAsync(i => i.AccountingItemRef != null, cancellationToken);
            if (!request.ConfirmKindChange)
            {
                throw ValidationFailedException.For("confirmKindChange",
                    $"Changing from {AccountingEndpoints.DisplayName(connection.Kind)} to {AccountingEndpoints.DisplayName(request.Kind)} clears the {records} imported customers and items "
                    + $"and the mappings of {clients} clients and {items} catalog items; confirm the change to go ahead.");
            }

            if (await db.InvoicePostings.AnyAsync(p => p.State == PostingState.Pending || p.State == PostingState.Posting || p.State == PostingState.Uncertain, cancellationToken))
            {
                throw new ConflictException($"Documents are still being posted to {AccountingEndpoints.DisplayName(connection.Kind)}; change the accounting system once posting has finished.");
            }

            await db.AccountingRecords.Where(r => r.ConnectionId == connection.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Clients.Where(c => c.AccountingCustomerRef != null).ExecuteUpdateAsync(s => s.SetProperty(c => c.AccountingCustomerRef, (string?)null), cancellationToken);
            await db.CatalogItems.Where(i => i.AccountingItemRef != null).ExecuteUpdateAsync(s => s.SetProperty(i => i.AccountingItemRef, (string?)null), cancellationToken);
            audit.Record(db, "accounting.kind-changed", nameof(AccountingConnection), connection.Id,
                new { Kind = ToApi(connection.Kind), Records = records, ClientMappings = clients, ItemMappings = items },
                new { Kind = ToApi(request.Kind), Records = 0, ClientMappings = 0, ItemMappings = 0 });
        }

        public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken = default)
        {
            var (connection, endpoint) = await LoadAsync(cancellationToken);
            AccountingStatus status;
            string? error = null;
            if (connection.Kind == AccountingKind.Iif)
            {
                status = AccountingStatus.Connected;
            }
            else
            {
                try
                {
                    await Target(connection.Kind).CheckAsync(endpoint, cancellationToken);
                    status = AccountingStatus.Connected;
                }
                catch (AccountingAuthorizationException e)
                {
                    (status, error) = (AccountingStatus.NeedsAuthorization, e.Message);
                }
                catch (AccountingException e)
                {
                    (status, error) = (AccountingStatus.Failed, e.Message);
                }
                catch (HttpRequestException e)
                {
                    (status, error) = (AccountingStatus.Failed, e.Message);
                }
                catch (TimeoutException e)
                {
                    (status, error) = (AccountingStatus.Failed, e.Message);
                }
                catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    (status, error) = (AccountingStatus.Failed, $"No answer within {connection.TimeoutSeconds} seconds. {e.Message}");
                }
            }

            var now = time.GetUtcNow().UtcDateTime;
            await RecordStatusAsync(connection.Id, status, error, now, cancellationToken);
            return new CheckResult(status, error, now);
        }

        /// <summary>Imports customers and items through the target (not for IIF: <see cref="ImportIifListsAsync"/>).</summary>
        public async Task<ImportResult> ImportAsync(CancellationToken cancellationToken = default)
        {
            var (connection, endpoint) = await LoadAsync(cancellationToken);
            if (connection.Kind == AccountingKind.Iif)
            {
                throw ValidationFailedException.For("file", "An IIF connection imports customers and items from a QuickBooks list export (.IIF); upload the file.");
            }

            var target = Target(connection.Kind);
            IReadOnlyList<ExternalCustomer> customers;
            IReadOnlyList<ExternalItem> items;
            try
            {
                customers = await target.ListCustomersAsync(endpoint, cancellationToken);
                items = await target.ListItemsAsync(endpoint, cancellationToken);
            }
            catch (AccountingException e)
            {
                await RecordStatusAsync(connection.Id, e is AccountingAuthorizationException ? AccountingStatus.NeedsAuthorization : AccountingStatus.Failed, e.Message,
                    time.GetUtcNow().UtcDateTime, cancellationToken);
                throw;
            }

            var result = await StoreAsync(connection.Id, customers, items, "target", cancellationToken);
            await RecordStatusAsync(connection.Id, AccountingStatus.Connected, null, result.ImportedUtc, cancellationToken);
            return result;
        }

        /// <summary>IIF: imports a QuickBooks list export (!CUST and/or !INVITEM rows); a list missing from the file is left as it is.</summary>
        public async Task<ImportResult> ImportIifListsAsync(string text, CancellationToken cancellationToken = default)
        {
            var (connection, _) = await LoadAsync(cancellationToken);
            if (connection.Kind != AccountingKind.Iif)
            {
                throw ValidationFailedException.For("kind", $"The accounting system is {AccountingEndpoints.DisplayName(connection.Kind)}; import its customers and items from it, not from a file.");
            }

            var lists = IifListImport.Parse(text);
            return await StoreAsync(connection.Id, lists.Customers, lists.Items, "iif-file", cancellationToken);
        }

        public async Task DeleteAsync(string? reason = null, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("Accounting connection", "current");
            if (await db.InvoicePostings.AnyAsync(p => p.State == PostingState.Pending || p.State == PostingState.Posting || p.State == PostingState.Uncertain, cancellationToken))
            {
                throw new ConflictException("Documents are still being posted; remove the accounting connection once posting has finished.");
            }

            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var records = await db.AccountingRecords.Where(r => r.ConnectionId == connection.Id).ExecuteDeleteAsync(cancellationToken);
            audit.Record(db, "accounting.connection.deleted", nameof(AccountingConnection), connection.Id, Snapshot(connection, null), new { RecordsRemoved = records }, reason);
            db.AccountingConnections.Remove(connection);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        private IAccountingTarget Target(AccountingKind kind) =>
            // Resolved when used: each adapter registers itself keyed by its kind, and a build may lack one.
            services.GetKeyedService<IAccountingTarget>(kind)
            ?? throw new AccountingException($"No adapter for {AccountingEndpoints.DisplayName(kind)} is installed in this build; choose another accounting system.");

        private async Task<(AccountingConnection Connection, AccountingEndpoint Endpoint)> LoadAsync(CancellationToken cancellationToken)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Accounting connection", "current");
            return (connection, endpoints.For(connection));
        }

        private async Task RecordStatusAsync(Guid connectionId, AccountingStatus status, string? error, DateTime now, CancellationToken cancellationToken)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var trimmed = error is { Length: > AccountingConnection.ErrorMaxLength } ? error[..AccountingConnection.ErrorMaxLength] : error;
            await db.AccountingConnections.Where(c => c.Id == connectionId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.LastError, trimmed).SetProperty(c => c.LastCheckedUtc, now), cancellationToken);
        }

        private async Task<ImportResult> StoreAsync(Guid connectionId, IReadOnlyList<ExternalCustomer>? customers, IReadOnlyList<ExternalItem>? items, string source, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.AccountingConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken)
                ?? throw new NotFoundException("Accounting connection", connectionId);
            var existing = await db.AccountingRecords.Where(r => r.ConnectionId == connectionId).ToListAsync(cancellationToken);
            ImportCounts? customerCounts = null, itemCounts = null;
            if (customers is not null)
            {
                customerCounts = Upsert(db, connectionId, AccountingRecordKinds.Customer, existing,
                    customers.Select(c => (c.Id, c.Name, c.Active, (string?)null, (string?)null, (decimal?)null)), now);
                connection.CustomersImportedUtc = now;
            }

            if (items is not null)
            {
                itemCounts = Upsert(db, connectionId, AccountingRecordKinds.Item, existing,
                    items.Select(i => (i.Id, i.Name, i.Active, i.Type, i.IncomeAccount, i.Price)), now);
                connection.ItemsImportedUtc = now;
            }

            audit.Record(db, "accounting.imported", nameof(AccountingConnection), connectionId, null, new { Source = source, Customers = customerCounts, Items = itemCounts });
            await db.SaveChangesAsync(cancellationToken);
            return new ImportResult(customerCounts, itemCounts, now);
        }

        private static ImportCounts Upsert(AppDbContext db, Guid connectionId, string kind, List<AccountingRecord> existing,
            IEnumerable<(string Id, string Name, bool Active, string? Type, string? IncomeAccount, decimal? Price)> incoming, DateTime now)
        {
            var byId = existing.Where(r => r.Kind == kind).ToDictionary(r => r.ExternalId, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int created = 0, updated = 0, deactivated = 0;
            foreach (var x in incoming)
            {
                var id = x.Id.Trim();
                if (id.Length == 0 || !seen.Add(id))
                {
                    continue;
                }

                var name = string.IsNullOrWhiteSpace(x.Name) ? id : x.Name.Trim();
                if (!byId.TryGetValue(id, out var record))
                {
                    db.AccountingRecords.Add(new AccountingRecord
                    {
                        ConnectionId = connectionId, Kind = kind, ExternalId = id, Name = name, Active = x.Active, Type = x.Type, IncomeAccount = x.IncomeAccount, Price = x.Price, ImportedUtc = now,
                    });
                    created++;
                    continue;
                }

                if (record.Name != name || record.Active != x.Active || record.Type != x.Type || record.IncomeAccount != x.IncomeAccount || record.Price != x.Price)
                {
                    updated++;
                }

                (record.Name, record.Active, record.Type, record.IncomeAccount, record.Price, record.ImportedUtc) = (name, x.Active, x.Type, x.IncomeAccount, x.Price, now);
            }

            // Gone from the target: kept (mappings may point at it, and it explains why), marked inactive.
            foreach (var record in byId.Values.Where(r => !seen.Contains(r.ExternalId) && r.Active))
            {
                record.Active = false;
                deactivated++;
            }

            return new ImportCounts(created, updated, deactivated, seen.Count);
        }

        private async Task<View> ViewAsync(AppDbContext db, AccountingConnection c, CancellationToken cancellationToken)
        {
            var activeCustomers = await db.AccountingRecords.AsNoTracking().Where(r => r.ConnectionId == c.Id && r.Kind == AccountingRecordKinds.Customer && r.Active)
                .Select(r => r.ExternalId).ToListAsync(cancellationToken);
            var activeItems = await db.AccountingRecords.AsNoTracking().Where(r => r.ConnectionId == c.Id && r.Kind == AccountingRecordKinds.Item && r.Active)
                .ToDictionaryAsync(r => r.ExternalId, r => r.Name, cancellationToken);
            var customerSet = activeCustomers.ToHashSet(StringComparer.Ordinal);
            var clientRefs = await db.Clients.AsNoTracking().Where(x => x.Status == ClientStatus.Active).Select(x => x.AccountingCustomerRef).ToListAsync(cancellationToken);
            var itemRefs = await db.CatalogItems.AsNoTracking().Select(x => x.AccountingItemRef).ToListAsync(cancellationToken);
            var clientsMapped = clientRefs.Count(r => r is not null && customerSet.Contains(r));
            var itemsMapped = itemRefs.Count(r => r is not null && activeItems.ContainsKey(r));
            var credentials = c.Kind == AccountingKind.Iif ? new AccountingCredentials() : SafeUnprotect(c.ProtectedCredentials);
            return new View(c.Id, c.Kind, AccountingEndpoints.DisplayName(c.Kind),
                c.Kind == AccountingKind.Iif ? null : c.BaseUrl ?? AccountingEndpoints.DefaultBaseUrl(c.Kind).ToString().TrimEnd('/'),
                IsOAuth(c.Kind) ? c.TokenUrl ?? AccountingEndpoints.DefaultTokenUrl(c.Kind)?.ToString() : null,
                IsOAuth(c.Kind) ? c.AuthorizeUrl ?? AccountingEndpoints.DefaultAuthorizeUrl(c.Kind)?.ToString() : null,
                string.IsNullOrEmpty(c.CredentialHint) ? null : c.CredentialHint,
                !string.IsNullOrEmpty(c.ProtectedCredentials),
                !IsOAuth(c.Kind) || credentials?.RefreshToken is not null,
                c.TimeoutSeconds, c.Status, c.LastCheckedUtc, c.LastError,
                customerSet.Count, activeItems.Count,
                c.CustomersImportedUtc, c.ItemsImportedUtc,
                clientsMapped, clientRefs.Count - clientsMapped, itemsMapped, itemRefs.Count - itemsMapped,
                c.FallbackItemRef, c.FallbackItemRef is { } f ? activeItems.GetValueOrDefault(f) : null,
                new IifOptions(c.IifArAccount, c.IifIncomeAccount, c.IifDateFormat), c.SettingsVersion, c.UpdatedUtc);
        }

        private AccountingCredentials? SafeUnprotect(string? payload)
        {
            try
            {
                return protector.Unprotect(payload);
            }
            catch (AccountingException)
            {
                return null;
            }
        }

        private static AccountingCredentials MergeCredentials(Request request, AccountingCredentials? stored)
        {
            var c = request.Credentials ?? new CredentialsInput();
            var keep = stored ?? new AccountingCredentials();
            return request.Kind switch
            {
                AccountingKind.Conductor => new AccountingCredentials { SecretKey = Clean(c.SecretKey) ?? keep.SecretKey, EndUserId = Clean(c.EndUserId) ?? keep.EndUserId },
                AccountingKind.Qbo or AccountingKind.Xero when Clean(c.ClientId) is { } clientId && clientId != keep.ClientId =>
                    // Another OAuth app: the tokens of the old one are useless; the owner connects again.
                    new AccountingCredentials { ClientId = clientId, ClientSecret = Clean(c.ClientSecret) ?? keep.ClientSecret },
                AccountingKind.Qbo or AccountingKind.Xero => keep with { ClientSecret = Clean(c.ClientSecret) ?? keep.ClientSecret },
                _ => new AccountingCredentials(),
            };
        }

        private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        private static string? CleanUrl(string? value) => Clean(value)?.TrimEnd('/');

        /// <summary>The names of the entered credential fields whose value differs (never a value); null when none did.</summary>
        private static IReadOnlyList<string>? ChangedCredentialFields(AccountingCredentials? stored, AccountingCredentials now)
        {
            var fields = new List<string>();
            if (stored?.SecretKey != now.SecretKey)
            {
                fields.Add("secretKey");
            }

            if (stored?.EndUserId != now.EndUserId)
            {
                fields.Add("endUserId");
            }

            if (stored?.ClientId != now.ClientId)
            {
                fields.Add("clientId");
            }

            if (stored?.ClientSecret != now.ClientSecret)
            {
                fields.Add("clientSecret");
            }

            return fields.Count == 0 ? null : fields;
        }

        /// <summary>What the audit log keeps: settings, the credential hint and which credential fields changed — never a secret.</summary>
        private static object Snapshot(AccountingConnection c, IReadOnlyList<string>? credentialFields) => new
        {
            Kind = ToApi(c.Kind),
            c.BaseUrl,
            c.TokenUrl,
            c.AuthorizeUrl,
            c.TimeoutSeconds,
            c.CredentialHint,
            FallbackItemId = c.FallbackItemRef,
            IifArAccount = c.Kind == AccountingKind.Iif ? c.IifArAccount : null,
            IifIncomeAccount = c.Kind == AccountingKind.Iif ? c.IifIncomeAccount : null,
            IifDateFormat = c.Kind == AccountingKind.Iif ? c.IifDateFormat : null,
            CredentialsChanged = credentialFields is null ? (bool?)null : true,
            CredentialFields = credentialFields,
        };
    }
}
