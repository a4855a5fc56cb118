namespace CommandCenter.Simulators;

/// <summary>The accounting simulators' credentials (demo seeding and tests use them; nothing here is a real secret).</summary>
public static class AccountingSimulatorCredentials
{
    public const string ConductorSecretKey = Demo.DemoVendors.ConductorSecretKey;
    public const string ConductorEndUserId = Demo.DemoVendors.ConductorEndUserId;
}
