using System.Globalization;

namespace CommandCenter.Billing;

/// <summary>A calendar month, half-open [Start, End) (design invariant 8); written "YYYY-MM".</summary>
public readonly record struct BillingPeriod(DateOnly Start)
{
    public DateOnly End => Start.AddMonths(1);
    public int Days => End.DayNumber - Start.DayNumber;
    public DateOnly LastDay => End.AddDays(-1);
    public BillingPeriod Previous => new(Start.AddMonths(-1));
    public BillingPeriod Next => new(End);

    public static BillingPeriod Of(DateOnly day) => new(new DateOnly(day.Year, day.Month, 1));

    public static bool TryParse(string? text, out BillingPeriod period)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 2100)
        {
            period = new BillingPeriod(day);
            return true;
        }

        period = default;
        return false;
    }

    public static BillingPeriod Parse(string text) => TryParse(text, out var p)
        ? p
        : throw Common.ValidationFailedException.For("period", $"'{text}' is not a month; write it as YYYY-MM (e.g. 2026-11).");

    public bool Contains(DateOnly day) => day >= Start && day < End;

    public override string ToString() => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>"November 2026".</summary>
    public string Display => Start.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
}
