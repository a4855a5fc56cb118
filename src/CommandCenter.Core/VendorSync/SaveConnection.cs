using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.VendorSync;

/// <summary>Creates, updates or deletes a vendor connection; validated, audited (never the secret), rescheduled.</summary>
public static class SaveConnection
{
    /// <param name="Credentials">Required on create; on update null keeps the stored ones.</param>
    public sealed record Request(
        VendorKind Kind,
        string Name,
        string BaseUrl,
        VendorCredentials? Credentials,
        string? TokenUrl = null,
        string? InventoryPath = null,
        int ScheduleMinutes = VendorConnection.DefaultScheduleMinutes,
        bool Enabled = true,
        int? RequestsPerMinute = null,
        int? PageSize = null,
        int TimeoutSeconds = VendorConnection.DefaultTimeoutSeconds,
        int MaxRetries = VendorConnection.DefaultMaxRetries);

    public static void Validate(Request r, bool creating)
    {
        var v = new Validator()
            .Require("name", r.Name, VendorConnection.NameMaxLength, "Name");
        if (!Enum.IsDefined(r.Kind))
        {
            v.Add("kind", "Kind must be one of ninjaone, pax8, huntress, sonicwall, graph.");
        }

        Url(v, "baseUrl", r.BaseUrl, "Base URL", required: true);
        Url(v, "tokenUrl", r.TokenUrl, "Token URL", required: false);
        if (r.InventoryPath is { Length: > 0 } path && (!path.StartsWith('/') || path.Length > VendorConnection.UrlMaxLength))
        {
            v.Add("inventoryPath", "Inventory path must start with '/'.");
        }

        v.Range("scheduleMinutes", r.ScheduleMinutes, 1, 1440, "Schedule", " minutes");

        if (r.RequestsPerMinute is < 0 or > 100_000)
        {
            v.Add("requestsPerMinute", "Requests per minute must be between 0 (no limit) and 100,000.");
        }

        v.Range("pageSize", r.PageSize, 1, 1000, "Page size")
            .Range("timeoutSeconds", r.TimeoutSeconds, 1, 300, "Timeout", " seconds");

        if (r.MaxRetries is < 0 or > 10)
        {
            v.Add("maxRetries", "Retries must be between 0 and 10.");
        }

        if (r.Credentials is null)
        {
            if (creating)
            {
                v.Add("credentials", "Credentials are required.");
            }
        }
        else if (Enum.IsDefined(r.Kind))
        {
            foreach (var (field, label) in RequiredCredentials(r.Kind))
            {
                var value = field switch
                {
                    "clientId" => r.Credentials.ClientId,
                    "clientSecret" => r.Credentials.ClientSecret,
                    "apiKey" => r.Credentials.ApiKey,
                    "apiSecret" => r.Credentials.ApiSecret,
                    _ => r.Credentials.TenantId,
                };
                v.Require("credentials." + field, value, 1000, label);
            }
        }

        v.ThrowIfInvalid();
    }

    /// <summary>The credential fields each vendor needs.</summary>
    public static IReadOnlyList<(string Field, string Label)> RequiredCredentials(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne or VendorKind.Pax8 => [("clientId", "Client id"), ("clientSecret", "Client secret")],
        VendorKind.Graph => [("clientId", "Application (client) id"), ("clientSecret", "Client secret"), ("tenantId", "Partner tenant id")],
        VendorKind.Huntress => [("apiKey", "API key"), ("apiSecret", "API secret")],
        VendorKind.SonicWall => [("apiKey", "MySonicWall API key")],
        _ => [],
    };

    /// <summary>The vendor's public API address, offered as the default in forms.</summary>
    public static string DefaultBaseUrl(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne => "https://app.ninjarmm.com",
        VendorKind.Pax8 => "https://api.pax8.com/v1",
        VendorKind.Huntress => "https://api.huntress.io",
        VendorKind.SonicWall => "https://nsm-uswest.sonicwall.com",
        VendorKind.Graph => "https://graph.microsoft.com",
        _ => "",
    };

    private static void Url(Validator v, string field, string? value, string label, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                v.Add(field, $"{label} is required.");
            }

            return;
        }

        if (value.Length > VendorConnection.UrlMaxLength
            || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            v.Add(field, $"{label} must be an absolute http(s) address without query, e.g. https://api.example.com.");
        }
    }

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, CredentialProtector protector, SyncScheduler scheduler, TimeProvider time)
    {
        public async Task<Guid> CreateAsync(Request request, CancellationToken cancellationToken = default)
        {
            Validate(request, creating: true);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            await EnsureUniqueNameAsync(db, request.Name.Trim(), null, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var connection = new VendorConnection
            {
                Kind = request.Kind,
                Name = request.Name.Trim(),
                BaseUrl = "",
                ProtectedCredentials = "",
                CreatedUtc = now,
            };
            Apply(connection, request, now);
            db.VendorConnections.Add(connection);
            audit.Record(db, "connection.created", nameof(VendorConnection), connection.Id, null, Snapshot(connection, ChangedCredentialFields(null, request.Credentials)));
            await db.SaveChangesAsync(cancellationToken);
            await scheduler.ScheduleAsync(connection, cancellationToken);
            return connection.Id;
        }

        public async Task UpdateAsync(Guid connectionId, Request request, CancellationToken cancellationToken = default)
        {
            Validate(request, creating: false);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.VendorConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken)
                ?? throw new NotFoundException("Vendor connection", connectionId);
            if (request.Kind != connection.Kind)
            {
                throw ValidationFailedException.For("kind", "A connection's vendor cannot change; create a new connection.");
            }

            await EnsureUniqueNameAsync(db, request.Name.Trim(), connectionId, cancellationToken);
            var before = Snapshot(connection, null);
            var credentialFields = request.Credentials is null ? null : ChangedCredentialFields(StoredOrNull(connection.ProtectedCredentials), request.Credentials);
            Apply(connection, request, time.GetUtcNow().UtcDateTime);
            connection.SettingsVersion++;
            audit.Record(db, "connection.updated", nameof(VendorConnection), connection.Id, before, Snapshot(connection, credentialFields));
            await db.SaveChangesAsync(cancellationToken);
            await scheduler.ScheduleAsync(connection, cancellationToken);
        }

        public async Task DeleteAsync(Guid connectionId, string? reason, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.VendorConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken)
                ?? throw new NotFoundException("Vendor connection", connectionId);
            await scheduler.UnscheduleAsync(connection.Id, cancellationToken);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.CountSnapshots.Where(s => s.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
            await db.VendorOrganizations.Where(o => o.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
            await db.UsageMappings.Where(m => m.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
            await db.SyncRuns.Where(r => r.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
            audit.Record(db, "connection.deleted", nameof(VendorConnection), connection.Id, Snapshot(connection, null), null, reason);
            db.VendorConnections.Remove(connection);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        private void Apply(VendorConnection c, Request r, DateTime now)
        {
            c.Name = r.Name.Trim();
            c.BaseUrl = r.BaseUrl.Trim().TrimEnd('/');
            c.TokenUrl = string.IsNullOrWhiteSpace(r.TokenUrl) ? null : r.TokenUrl.Trim().TrimEnd('/');
            c.InventoryPath = string.IsNullOrWhiteSpace(r.InventoryPath) ? null : r.InventoryPath.Trim();
            c.ScheduleMinutes = r.ScheduleMinutes;
            c.Enabled = r.Enabled;
            c.RequestsPerMinute = r.RequestsPerMinute;
            c.PageSize = r.PageSize;
            c.TimeoutSeconds = r.TimeoutSeconds;
            c.MaxRetries = r.MaxRetries;
            c.UpdatedUtc = now;
            if (r.Credentials is not null)
            {
                var trimmed = new VendorCredentials(Trim(r.Credentials.ClientId), Trim(r.Credentials.ClientSecret), Trim(r.Credentials.ApiKey), Trim(r.Credentials.ApiSecret), Trim(r.Credentials.TenantId));
                c.ProtectedCredentials = protector.Protect(trimmed);
                c.CredentialHint = CredentialProtector.Hint(c.Kind, trimmed);
            }
        }

        private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        /// <summary>The stored credentials, or null when they cannot be read (then every entered field counts as changed).</summary>
        private VendorCredentials? StoredOrNull(string protectedCredentials)
        {
            try
            {
                return protectedCredentials.Length == 0 ? null : protector.Unprotect(protectedCredentials);
            }
            catch (VendorSyncException)
            {
                return null;
            }
        }

        private static async Task EnsureUniqueNameAsync(AppDbContext db, string name, Guid? exceptId, CancellationToken cancellationToken)
        {
            var all = await db.VendorConnections.Where(c => c.Id != exceptId).Select(c => c.Name).ToListAsync(cancellationToken);
            if (all.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw ValidationFailedException.For("name", $"A connection named '{name}' already exists.");
            }
        }
    }

    /// <summary>
    /// The names of the credential fields whose value differs (e.g. <c>clientSecret</c>) — the audit log says which
    /// fields changed, never a value. Null when nothing changed.
    /// </summary>
    internal static IReadOnlyList<string>? ChangedCredentialFields(VendorCredentials? stored, VendorCredentials? entered)
    {
        if (entered is null)
        {
            return null;
        }

        static string? T(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        var fields = new List<string>();
        void Check(string name, string? before, string? after)
        {
            if (!string.Equals(T(before), T(after), StringComparison.Ordinal))
            {
                fields.Add(name);
            }
        }

        Check("clientId", stored?.ClientId, entered.ClientId);
        Check("clientSecret", stored?.ClientSecret, entered.ClientSecret);
        Check("apiKey", stored?.ApiKey, entered.ApiKey);
        Check("apiSecret", stored?.ApiSecret, entered.ApiSecret);
        Check("tenantId", stored?.TenantId, entered.TenantId);
        return fields.Count == 0 ? null : fields;
    }

    /// <summary>What the audit log keeps of a connection: settings and which credential fields changed — never the credentials.</summary>
    internal static object Snapshot(VendorConnection c, IReadOnlyList<string>? credentialFields) => new
    {
        Kind = VendorKinds.ToApi(c.Kind),
        c.Name,
        c.BaseUrl,
        c.TokenUrl,
        c.InventoryPath,
        c.ScheduleMinutes,
        c.Enabled,
        c.RequestsPerMinute,
        c.PageSize,
        c.TimeoutSeconds,
        c.MaxRetries,
        c.CredentialHint,
        CredentialsChanged = credentialFields is null ? (bool?)null : true,
        CredentialFields = credentialFields,
    };
}
