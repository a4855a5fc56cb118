using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace CommandCenter.VendorSync;

/// <summary>
/// Encrypts vendor credentials at rest with Data Protection (keys in the database, shared by every instance). The
/// plain credentials exist only in memory for the duration of a call; nothing here logs them.
/// </summary>
public sealed class CredentialProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("CommandCenter.VendorSync.Credentials.v1");

    public string Protect(VendorCredentials credentials) => _protector.Protect(JsonSerializer.Serialize(credentials));

    public VendorCredentials Unprotect(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<VendorCredentials>(_protector.Unprotect(payload)) ?? new VendorCredentials();
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new VendorSyncException("The stored credentials cannot be decrypted (the Data Protection key is missing); enter them again.", e);
        }
    }

    /// <summary>Which credentials are stored, recognisable but useless to an attacker: "client id demo…nt".</summary>
    public static string Hint(VendorKind kind, VendorCredentials c)
    {
        var (label, value) = kind switch
        {
            VendorKind.Huntress or VendorKind.SonicWall => ("API key", c.ApiKey),
            _ => ("client id", c.ClientId),
        };
        return value is null ? "" : $"{label} {Mask(value)}";
    }

    private static string Mask(string value) => value.Length <= 8 ? new string('•', value.Length) : $"{value[..4]}…{value[^2..]}";
}
