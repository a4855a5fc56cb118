using CommandCenter.Demo;

namespace CommandCenter.Simulators;

/// <summary>
/// The credentials the simulated vendors accept (public by design: demo mode prefills them and tests use them).
/// Anything else gets the vendor's own refusal. They are the demo tenant's seeded credentials (<see cref="DemoVendors"/>).
/// </summary>
public static class SimulatorCredentials
{
    public const string NinjaOneClientId = DemoVendors.NinjaOneClientId;
    public const string NinjaOneClientSecret = DemoVendors.NinjaOneClientSecret;

    public const string Pax8ClientId = DemoVendors.Pax8ClientId;
    public const string Pax8ClientSecret = DemoVendors.Pax8ClientSecret;
    public const string Pax8Audience = "https://api.pax8.com";

    public const string HuntressApiKey = DemoVendors.HuntressApiKey;
    public const string HuntressApiSecret = DemoVendors.HuntressApiSecret;

    public const string SonicWallMswApiKey = DemoVendors.SonicWallApiKey;

    /// <summary>The MSP's own (partner) Entra tenant; its token lists the GDAP customers.</summary>
    public const string GraphPartnerTenantId = DemoVendors.GraphPartnerTenantId;
    public const string GraphClientId = DemoVendors.GraphClientId;
    public const string GraphClientSecret = DemoVendors.GraphClientSecret;
    public const string GraphScope = "https://graph.microsoft.com/.default";
}
