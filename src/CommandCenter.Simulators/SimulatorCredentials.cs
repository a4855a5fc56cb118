namespace CommandCenter.Simulators;

/// <summary>
/// The credentials the simulated vendors accept (public by design: demo mode prefills them and tests use them).
/// Anything else gets the vendor's own refusal.
/// </summary>
public static class SimulatorCredentials
{
    public const string NinjaOneClientId = "sim-ninjaone-client-id";
    public const string NinjaOneClientSecret = "sim-ninjaone-client-secret";

    public const string Pax8ClientId = "sim-pax8-client-id";
    public const string Pax8ClientSecret = "sim-pax8-client-secret";
    public const string Pax8Audience = "https://api.pax8.com";

    public const string HuntressApiKey = "hk_sim_demo_key";
    public const string HuntressApiSecret = "hs_sim_demo_secret";

    public const string SonicWallMswApiKey = "sim-msw-api-key-0123456789";

    /// <summary>The MSP's own (partner) Entra tenant; its token lists the GDAP customers.</summary>
    public const string GraphPartnerTenantId = "7d3c2e1f-8a9b-4c5d-9e0f-1a2b3c4d5e6f";
    public const string GraphClientId = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
    public const string GraphClientSecret = "sim~graph~client~secret";
    public const string GraphScope = "https://graph.microsoft.com/.default";
}
