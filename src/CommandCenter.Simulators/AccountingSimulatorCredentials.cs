namespace CommandCenter.Simulators;

/// <summary>The accounting simulators' credentials (demo seeding and tests use them; nothing here is a real secret).</summary>
public static class AccountingSimulatorCredentials
{
    public const string ConductorSecretKey = "sk_test_commandcenter_demo";
    public const string ConductorEndUserId = "end_usr_demo00000001";
}
