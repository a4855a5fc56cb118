using System.Globalization;
using CommandCenter.Psa;
using MudBlazor;

namespace CommandCenter.Web.Features.Psa;

/// <summary>How PSA classes, statuses and durations read in the UI (one wording across the list, ticket and usage views).</summary>
internal static class PsaText
{
    public static IReadOnlyList<BillingClass> Classes { get; } = Enum.GetValues<BillingClass>();

    public static string Label(BillingClass billingClass) => billingClass switch
    {
        BillingClass.Included => "Included",
        BillingClass.Billable => "Billable",
        BillingClass.BlockHour => "Block Hour",
        BillingClass.Project => "Project",
        BillingClass.NonBillable => "Non-billable",
        _ => billingClass.ToString(),
    };

    public static string Label(BillingClass? billingClass) => billingClass is { } c ? Label(c) : "Unclassified";

    /// <summary>The lower-case key used in test ids and URLs ("blockhour").</summary>
    public static string Key(BillingClass billingClass) => billingClass.ToString().ToLowerInvariant();

    public static string Key(BillingClass? billingClass) => billingClass is { } c ? Key(c) : "none";

    public static Color ClassColor(BillingClass? billingClass) => billingClass switch
    {
        null => Color.Warning,
        BillingClass.Billable => Color.Primary,
        BillingClass.BlockHour => Color.Info,
        BillingClass.Project => Color.Secondary,
        _ => Color.Default,
    };

    public static string Status(TicketStatus status) => status == TicketStatus.Open ? "open" : "closed";

    /// <summary>Minutes as h:mm ("1:20").</summary>
    public static string Duration(int minutes) =>
        string.Create(CultureInfo.InvariantCulture, $"{(minutes < 0 ? "-" : "")}{Math.Abs(minutes) / 60}:{Math.Abs(minutes) % 60:00}");

    /// <summary>Minutes as decimal hours ("1.5").</summary>
    public static string Hours(int minutes) => Format.Quantity(Math.Round(TimeRules.Hours(minutes), 2, MidpointRounding.AwayFromZero));

    public static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool TryParseMonth(string? value, out DateOnly month)
    {
        month = default;
        return !string.IsNullOrWhiteSpace(value)
            && DateOnly.TryParseExact(value.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out month);
    }

    public static string UsageLink(Guid clientId, DateOnly month) => $"/psa/usage?client={clientId}&month={Month(month)}";
}
