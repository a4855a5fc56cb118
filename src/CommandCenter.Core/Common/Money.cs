namespace CommandCenter.Common;

/// <summary>Money is decimal, rounded to cents once per line, midpoint away from zero (design invariant 8).</summary>
public static class Money
{
    public const decimal MaxAmount = 10_000_000m;
    public const decimal MaxQuantity = 1_000_000m;

    private static readonly System.Globalization.CultureInfo Display = System.Globalization.CultureInfo.GetCultureInfo("en-US");

    /// <summary>Money in messages ("$1,234.50"), independent of the server's culture.</summary>
    public static string Text(decimal amount) => amount.ToString("C2", Display);

    public static decimal RoundCents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}
