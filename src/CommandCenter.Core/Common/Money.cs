namespace CommandCenter.Common;

/// <summary>Money is decimal, rounded to cents once per line, midpoint away from zero (design invariant 8).</summary>
public static class Money
{
    public const decimal MaxAmount = 10_000_000m;
    public const decimal MaxQuantity = 1_000_000m;

    public static decimal RoundCents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}
