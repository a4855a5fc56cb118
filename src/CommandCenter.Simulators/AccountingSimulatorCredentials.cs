namespace CommandCenter.Simulators;

/// <summary>The accounting simulators' credentials (demo seeding and tests use them; nothing here is a real secret).</summary>
public static class AccountingSimulatorCredentials
{
    public const string ConductorSecretKey = Demo.DemoVendors.ConductorSecretKey;
    public const string ConductorEndUserId = Demo.DemoVendors.ConductorEndUserId;

    /// <summary>QuickBooks Online: the OAuth app (Basic client auth at the token endpoint) and the one company (realm).</summary>
    public const string QboClientId = "ABdemoCommandCenterQboClient00000000000000000001";
    public const string QboClientSecret = "qbo-demo-secret-commandcenter-0001";
    public const string QboRealmId = "9130350000000001";
    public const string QboCompanyName = "Command Center Demo MSP (QBO)";
    public const string QboScope = "com.intuit.quickbooks.accounting";

    /// <summary>Xero: the OAuth app and the one organisation (xero-tenant-id) every consent connects.</summary>
    public const string XeroClientId = "CCDEMOXERO0000000000000000000001";
    public const string XeroClientSecret = "xero-demo-secret-commandcenter-0001";
    public const string XeroTenantId = "4f3e2d1c-0b9a-4876-8543-210fedcba987";
    public const string XeroTenantName = "Command Center Demo MSP (Xero)";
    public const string XeroScope = "offline_access accounting.invoices accounting.contacts accounting.settings";
}
