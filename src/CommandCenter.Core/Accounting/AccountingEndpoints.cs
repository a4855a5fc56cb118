using System.Text.Json;
using CommandCenter.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Accounting;

/// <summary>
/// Encrypts accounting credentials at rest with Data Protection (the same database-held keys as vendor credentials,
/// another purpose). Plain credentials exist only in memory for the duration of a call; nothing here logs them.
/// </summary>
public sealed class AccountingCredentialProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("CommandCenter.Accounting.Credentials.v1");

    public string Protect(AccountingCredentials credentials) => _protector.Protect(JsonSerializer.Serialize(credentials));

    public AccountingCredentials Unprotect(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return new AccountingCredentials();
        }

        try
        {
            return JsonSerializer.Deserialize<AccountingCredentials>(_protector.Unprotect(payload)) ?? new AccountingCredentials();
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new AccountingException("The stored accounting credentials cannot be decrypted (the Data Protection key is missing); enter them again.", e);
        }
    }

    /// <summary>What is stored, recognisable but useless to an attacker: "end user end_…01", "realm 9130…00".</summary>
    public static string Hint(AccountingKind kind, AccountingCredentials c)
    {
        var (label, value) = kind switch
        {
            AccountingKind.Conductor => ("end user", c.EndUserId),
            AccountingKind.Qbo => ("realm", c.RealmId ?? c.ClientId),
            AccountingKind.Xero => ("organisation", c.XeroTenantId ?? c.ClientId),
            _ => ("", null),
        };
        return value is null ? "" : $"{label} {Mask(value)}";
    }

    private static string Mask(string value) => value.Length <= 8 ? new string('•', value.Length) : $"{value[..4]}…{value[^2..]}";
}

/// <summary>Builds the <see cref="AccountingEndpoint"/> of a stored connection (credentials decrypted; rotated tokens written back encrypted).</summary>
public sealed class AccountingEndpoints(AccountingCredentialProtector protector, IDbContextFactory<AppDbContext> factory, TimeProvider time)
{
    public AccountingEndpoint For(AccountingConnection connection)
    {
        var baseUrl = connection.BaseUrl is { Length: > 0 } url ? new Uri(url) : DefaultBaseUrl(connection.Kind);
        Uri? tokenUrl = connection.TokenUrl is { Length: > 0 } token ? new Uri(token) : DefaultTokenUrl(connection.Kind);
        var tenantId = connection.TenantId;
        var connectionId = connection.Id;
        return new AccountingEndpoint(tenantId, connectionId, connection.Kind, baseUrl, tokenUrl, protector.Unprotect(connection.ProtectedCredentials),
            connection.TimeoutSeconds, connection.SettingsVersion,
            async (credentials, cancellationToken) =>
            {
                await using var db = factory.CreateDbContext().ForTenant(tenantId, "accounting");
                var protectedCredentials = protector.Protect(credentials);
                var now = time.GetUtcNow().UtcDateTime;
                // Not UpdatedUtc/SettingsVersion: a token rotation is not a settings change.
                await db.AccountingConnections.Where(c => c.Id == connectionId)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedCredentials, protectedCredentials).SetProperty(c => c.LastCheckedUtc, now), cancellationToken);
            });
    }

    public static Uri DefaultBaseUrl(AccountingKind kind) => kind switch
    {
        AccountingKind.Conductor => new Uri("https://api.conductor.is/v1"),
        AccountingKind.Qbo => new Uri("https://quickbooks.api.intuit.com"),
        AccountingKind.Xero => new Uri("https://api.xero.com/api.xro/2.0"),
        _ => new Uri("file:///iif"),
    };

    public static Uri? DefaultTokenUrl(AccountingKind kind) => kind switch
    {
        AccountingKind.Qbo => new Uri("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"),
        AccountingKind.Xero => new Uri("https://identity.xero.com/connect/token"),
        _ => null,
    };

    public static Uri? DefaultAuthorizeUrl(AccountingKind kind) => kind switch
    {
        AccountingKind.Qbo => new Uri("https://appcenter.intuit.com/connect/oauth2"),
        AccountingKind.Xero => new Uri("https://login.xero.com/identity/connect/authorize"),
        _ => null,
    };

    public static string DisplayName(AccountingKind kind) => kind switch
    {
        AccountingKind.Conductor => "QuickBooks Desktop (Conductor)",
        AccountingKind.Qbo => "QuickBooks Online",
        AccountingKind.Xero => "Xero",
        _ => "IIF file (QuickBooks Desktop import)",
    };
}
