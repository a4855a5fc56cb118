using CommandCenter.Common;
using CommandCenter.VendorSync;

namespace CommandCenter.Tests.VendorSync;

public sealed class VendorSyncRulesTests
{
    [Theory]
    [InlineData("WINDOWS_WORKSTATION", AssetClasses.Workstation)]
    [InlineData("MAC", AssetClasses.Workstation)]
    [InlineData("LINUX_WORKSTATION", AssetClasses.Workstation)]
    [InlineData("WINDOWS_SERVER", AssetClasses.Server)]
    [InlineData("MAC_SERVER", AssetClasses.Server)]
    [InlineData("HYPERV_VMM_GUEST", AssetClasses.Virtual)]
    [InlineData("VMWARE_VM_HOST", AssetClasses.Virtual)]
    [InlineData("NMS_FIREWALL", AssetClasses.Network)]
    [InlineData("NMS_SOMETHING_NEW", AssetClasses.Network)]
    [InlineData("APPLE_IPADOS", AssetClasses.Mobile)]
    [InlineData("CLOUD_MONITOR_TARGET", AssetClasses.Other)]
    [InlineData("QUANTUM_TOASTER", AssetClasses.Other)]
    [InlineData(null, AssetClasses.Other)]
    public void FromNinjaNodeClass_MapsBillingRulesClasses_UnknownIsOther(string? nodeClass, string expected) =>
        AssetClasses.FromNinjaNodeClass(nodeClass).ShouldBe(expected);

    [Theory]
    [InlineData("windows", "Windows 11 Pro", AssetClasses.Workstation)]
    [InlineData("windows", "Windows Server 2022 Standard", AssetClasses.Server)]
    [InlineData("darwin", "macOS 14.4", AssetClasses.Workstation)]
    [InlineData("linux", "Ubuntu 22.04", AssetClasses.Server)]
    [InlineData("freebsd", "FreeBSD", AssetClasses.Other)]
    public void FromHuntress_UsesPlatformAndOs(string platform, string os, string expected) =>
        AssetClasses.FromHuntress(platform, os).ShouldBe(expected);

    [Theory]
    [InlineData("Contoso Ltd", "Contoso Limited", 100)]
    [InlineData("Acme Dental, Inc.", "ACME DENTAL INCORPORATED", 100)]
    [InlineData("Blue Harbor Logistics LLC", "Blue Harbour Logistics", 90)]
    public void NameMatcher_SameCompanyWrittenDifferently_ScoresHigh(string vendorName, string clientName, int atLeast)
    {
        var matcher = new NameMatcher<int>([(clientName, 1), ("Northwind Traders", 2), ("Fabrikam Inc", 3)]);
        var best = matcher.Best(vendorName).ShouldNotBeNull();
        best.Value.ShouldBe(1);
        best.Score.ShouldBeGreaterThanOrEqualTo(atLeast);
    }

    [Fact]
    public void NameMatcher_NoRealMatch_SuggestsNothing()
    {
        var matcher = new NameMatcher<int>([("Northwind Traders", 2), ("Fabrikam Inc", 3)]);
        matcher.Best("Internal - MSP Lab").ShouldBeNull();
    }

    [Fact]
    public void Validate_CredentialsMissingForVendor_NamesEachField()
    {
        var request = new SaveConnection.Request(VendorKind.Graph, "M365", "https://graph.microsoft.com", new VendorCredentials(ClientId: "app"));
        var error = Should.Throw<ValidationFailedException>(() => SaveConnection.Validate(request, creating: true));
        error.Errors.Keys.ShouldBe(["credentials.clientSecret", "credentials.tenantId"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("not a url")]
    [InlineData("https://example.com/?x=1")]
    [InlineData("")]
    public void Validate_BadBaseUrl_IsRefused(string url)
    {
        var request = new SaveConnection.Request(VendorKind.Huntress, "EDR", url, new VendorCredentials(ApiKey: "k", ApiSecret: "s"));
        Should.Throw<ValidationFailedException>(() => SaveConnection.Validate(request, creating: true)).Errors.Keys.ShouldContain("baseUrl");
    }

    [Theory]
    [InlineData(0, null, 30, 4, "scheduleMinutes")]
    [InlineData(15, 0, 30, 4, "pageSize")]
    [InlineData(15, null, 0, 4, "timeoutSeconds")]
    [InlineData(15, null, 30, 11, "maxRetries")]
    public void Validate_LimitsOutOfRange_AreRefused(int schedule, int? pageSize, int timeout, int retries, string field)
    {
        var request = new SaveConnection.Request(VendorKind.Huntress, "EDR", "https://api.huntress.io", new VendorCredentials(ApiKey: "k", ApiSecret: "s"),
            ScheduleMinutes: schedule, PageSize: pageSize, TimeoutSeconds: timeout, MaxRetries: retries);
        Should.Throw<ValidationFailedException>(() => SaveConnection.Validate(request, creating: true)).Errors.Keys.ShouldContain(field);
    }

    [Fact]
    public void CredentialHint_NeverContainsTheSecret()
    {
        var credentials = new VendorCredentials(ClientId: "ninja-client-0123456789", ClientSecret: "super-secret-value");
        var hint = CredentialProtector.Hint(VendorKind.NinjaOne, credentials);
        hint.ShouldBe("client id ninj…89");
        hint.ShouldNotContain("super-secret");
        credentials.ToString().ShouldNotContain("super-secret");
    }
}
