namespace CommandCenter.VendorSync;

/// <summary>
/// Product names of common Microsoft 365 SKUs by <c>skuPartNumber</c> (from Microsoft's "Product names and service plan
/// identifiers for licensing" list), so Graph SKUs read like the products an MSP sells.
/// </summary>
public static class MicrosoftSkus
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["O365_BUSINESS_ESSENTIALS"] = "Microsoft 365 Business Basic",
        ["O365_BUSINESS_PREMIUM"] = "Microsoft 365 Business Standard",
        ["SPB"] = "Microsoft 365 Business Premium",
        ["O365_BUSINESS"] = "Microsoft 365 Apps for business",
        ["EXCHANGESTANDARD"] = "Exchange Online (Plan 1)",
        ["EXCHANGEENTERPRISE"] = "Exchange Online (Plan 2)",
        ["ENTERPRISEPACK"] = "Office 365 E3",
        ["ENTERPRISEPREMIUM"] = "Office 365 E5",
        ["STANDARDPACK"] = "Office 365 E1",
        ["SPE_E3"] = "Microsoft 365 E3",
        ["SPE_E5"] = "Microsoft 365 E5",
        ["SPE_F1"] = "Microsoft 365 F3",
        ["DESKLESSPACK"] = "Office 365 F3",
        ["AAD_PREMIUM"] = "Microsoft Entra ID P1",
        ["AAD_PREMIUM_P2"] = "Microsoft Entra ID P2",
        ["EMS"] = "Enterprise Mobility + Security E3",
        ["INTUNE_A"] = "Microsoft Intune Plan 1",
        ["VISIOCLIENT"] = "Visio Plan 2",
        ["PROJECTPROFESSIONAL"] = "Project Plan 3",
        ["POWER_BI_PRO"] = "Power BI Pro",
        ["MCOEV"] = "Microsoft Teams Phone Standard",
        ["Microsoft_Teams_Premium"] = "Microsoft Teams Premium",
        ["ATP_ENTERPRISE"] = "Microsoft Defender for Office 365 (Plan 1)",
        ["FLOW_FREE"] = "Microsoft Power Automate Free",
        ["POWER_BI_STANDARD"] = "Microsoft Fabric (Free)",
        ["TEAMS_EXPLORATORY"] = "Microsoft Teams Exploratory",
    };

    private static readonly HashSet<string> Free = new(StringComparer.OrdinalIgnoreCase)
    {
        "FLOW_FREE", "POWER_BI_STANDARD", "TEAMS_EXPLORATORY", "POWERAPPS_VIRAL", "POWERAPPS_DEV", "STREAM", "WINDOWS_STORE", "CCIBOTS_PRIVPREV_VIRAL", "RIGHTSMANAGEMENT_ADHOC", "MICROSOFT_BUSINESS_CENTER",
    };

    /// <summary>Free or self-service SKUs: never billed, never a finding.</summary>
    public static bool IsFree(string? skuPartNumber) => skuPartNumber is not null && Free.Contains(skuPartNumber);

    public static string? NameOf(string? skuPartNumber) => skuPartNumber is not null && Names.TryGetValue(skuPartNumber, out var name) ? name : null;

    /// <summary>The product name to show: the friendly name for a bare Graph part number, the vendor's name otherwise.</summary>
    public static string DisplayName(LicenceSubscription licence) =>
        licence.ProductName == licence.Sku && NameOf(licence.Sku) is { } friendly ? friendly : licence.ProductName;
}
