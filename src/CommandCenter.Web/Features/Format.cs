using System.Globalization;

namespace CommandCenter.Web.Features;

/// <summary>How money, quantities and dates are shown in the UI (culture-independent, so screenshots and tests agree).</summary>
internal static class Format
{
    private static readonly CultureInfo Money = CultureInfo.GetCultureInfo("en-US");

    public static string Currency(decimal amount) => amount.ToString("C2", Money);

    public static string Currency(decimal? amount) => amount is null ? "—" : Currency(amount.Value);

    public static string Quantity(decimal quantity) => quantity.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Date(DateOnly? date) => date is null ? "—" : Date(date.Value);

    public static string Instant(DateTime? utc) => utc is null ? "—" : utc.Value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
