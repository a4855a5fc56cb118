namespace CommandCenter.Tenancy;

/// <summary>The three roles. Owner administers connections, mappings, users and keys.</summary>
public static class Roles
{
    public const string Owner = "Owner";
    public const string Billing = "Billing";
    public const string Technician = "Technician";

    public static readonly IReadOnlyList<string> All = [Owner, Billing, Technician];

    /// <summary>Comma lists for [Authorize(Roles = ...)].</summary>
    public const string OwnerOrBilling = Owner + "," + Billing;

    public static bool IsValid(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}

/// <summary>Claim types the app adds to a signed-in principal.</summary>
public static class AppClaims
{
    public const string TenantId = "cc:tenant";
    public const string TenantName = "cc:tenant_name";
    public const string DisplayName = "cc:display_name";
    public const string ApiKeyId = "cc:api_key";
}
