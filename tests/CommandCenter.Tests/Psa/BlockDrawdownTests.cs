using CommandCenter.Psa;

namespace CommandCenter.Tests.Psa;

public sealed class BlockDrawdownTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly DateOnly November = new(2026, 11, 1);

    [Theory]
    [InlineData(80, 15, 0, 90)]
    [InlineData(10, 15, 30, 30)]
    [InlineData(61, 15, 0, 75)]
    [InlineData(15, 15, 0, 15)]
    [InlineData(0, 15, 30, 0)]
    [InlineData(7, 6, 0, 12)]
    public void RoundedMinutes_RoundsUpToIncrementThenMinimum(int minutes, int increment, int minimum, int expected) =>
        TimeRules.RoundedMinutes(minutes, increment, minimum).ShouldBe(expected);

    [Fact]
    public void Amount_IsHoursTimesRateRoundedToCents()
    {
        TimeRules.Amount(90, 185m).ShouldBe(277.50m);
        TimeRules.Amount(50, 125m).ShouldBe(104.17m); // 104.1666… → 104.17
    }

    /// <summary>
    /// A: 10 h bought 1 Sep (600 min); B: 5 h bought 1 Oct, expires 1 Jan (300 min); overage 150 then 175.
    /// Before November: 10 Sep 240 → A 360; 5 Oct 300 → A 60. So before: A 60, B 300.
    /// November: 3 Nov 100 → A 60→0, B 300→260; 20 Nov 250 → B 260→10; 25 Nov 55 → B 10→0, 45 overage.
    /// Used: A 60, B 300. After: 0 and 0. Overage 45 min, rounded to 15 → 45 min at the newest block's 175/h = $131.25.
    /// </summary>
    [Fact]
    public void Compute_TwoBlocksWithOverage_MatchesHandComputation()
    {
        BlockDrawdown.Block[] blocks =
        [
            new(B, new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 1), 5m, 175m),
            new(A, new DateOnly(2026, 9, 1), null, 10m, 150m),
        ];
        BlockDrawdown.Entry[] entries =
        [
            new(new DateOnly(2026, 11, 20), 250),
            new(new DateOnly(2026, 9, 10), 240),
            new(new DateOnly(2026, 11, 3), 100),
            new(new DateOnly(2026, 10, 5), 300),
            new(new DateOnly(2026, 11, 25), 55),
            new(new DateOnly(2026, 12, 2), 600), // next month: not drawn in November
        ];

        var result = BlockDrawdown.Compute(blocks, entries, November, November.AddMonths(1), incrementMinutes: 15);

        result.Blocks.Select(b => (b.BlockId, b.MinutesBefore, b.MinutesUsed, b.MinutesAfter)).ShouldBe([(A, 60, 60, 0), (B, 300, 300, 0)]);
        result.OverageMinutes.ShouldBe(45);
        result.OverageBilledMinutes.ShouldBe(45);
        result.OverageRate.ShouldBe(175m);
        result.OverageAmount.ShouldBe(131.25m);
    }

    [Fact]
    public void Compute_WithinBalance_NoOverageAndBalanceCarries()
    {
        BlockDrawdown.Block[] blocks = [new(A, new DateOnly(2026, 9, 1), null, 10m, 150m)];
        BlockDrawdown.Entry[] entries = [new(new DateOnly(2026, 10, 1), 90), new(new DateOnly(2026, 11, 2), 37)];

        var result = BlockDrawdown.Compute(blocks, entries, November, November.AddMonths(1), 15);

        result.MinutesBefore.ShouldBe(510);
        result.MinutesAfter.ShouldBe(473);
        result.OverageMinutes.ShouldBe(0);
        result.OverageAmount.ShouldBe(0m);
    }

    [Fact]
    public void Compute_ExpiredBlock_HasNoBalanceAndTimeIsOverage()
    {
        // 2 h bought 1 Jun, expired 1 Sep: nothing of it is left in October; 70 min → overage rounded to 75 min at 160/h = $200.00.
        BlockDrawdown.Block[] blocks = [new(A, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 1), 2m, 160m)];
        BlockDrawdown.Entry[] entries = [new(new DateOnly(2026, 10, 10), 70)];
        var october = new DateOnly(2026, 10, 1);

        var result = BlockDrawdown.Compute(blocks, entries, october, october.AddMonths(1), 15);

        result.Blocks.Single().MinutesBefore.ShouldBe(0);
        result.Blocks.Single().MinutesUsed.ShouldBe(0);
        result.OverageMinutes.ShouldBe(70);
        result.OverageBilledMinutes.ShouldBe(75);
        result.OverageAmount.ShouldBe(200.00m);
    }

    [Theory]
    [InlineData(10, 120, "80")] // 80 % used
    [InlineData(10, 30, "95")]
    [InlineData(10, 121, null)]
    public void LowBalanceLevel_WarnsAt80And95Percent(decimal hours, int minutesRemaining, string? expected) =>
        HourBlocks.LowBalanceLevel(hours, minutesRemaining).ShouldBe(expected);
}
