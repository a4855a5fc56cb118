using CommandCenter.Common;

namespace CommandCenter.Psa;

/// <summary>Billable time per ticket (billing-rules.md, Time): rounded up to the increment, then raised to the minimum.</summary>
public static class TimeRules
{
    public const int DefaultIncrementMinutes = 15;

    /// <summary>80 min at 15 → 90; 10 min with a 30 min minimum → 30; 0 stays 0.</summary>
    public static int RoundedMinutes(int minutes, int incrementMinutes, int minimumMinutes)
    {
        if (minutes <= 0)
        {
            return 0;
        }

        var increment = Math.Max(1, incrementMinutes);
        var rounded = (minutes + increment - 1) / increment * increment;
        return Math.Max(rounded, minimumMinutes);
    }

    /// <summary>Hours × rate, rounded to cents once (midpoint away from zero).</summary>
    public static decimal Amount(int minutes, decimal hourlyRate) => Money.RoundCents(minutes / 60m * hourlyRate);

    public static decimal Hours(int minutes) => minutes / 60m;
}

/// <summary>One block's state around a period: minutes before, drawn in the period, after.</summary>
public sealed record BlockBalance(Guid BlockId, DateOnly PurchasedOn, DateOnly? ExpiresOn, decimal Hours, int MinutesBefore, int MinutesUsed, int MinutesAfter);

/// <summary>The drawdown of a client's blocks for a period, and the overage it bills.</summary>
public sealed record BlockDrawdownResult(IReadOnlyList<BlockBalance> Blocks, int OverageMinutes, int OverageBilledMinutes, decimal OverageRate, decimal OverageAmount)
{
    public int MinutesBefore => Blocks.Sum(b => b.MinutesBefore);
    public int MinutesAfter => Blocks.Sum(b => b.MinutesAfter);
}

/// <summary>
/// Block hours (billing-rules.md): blocks drawn oldest first (by purchase date), entries in date order, on unrounded
/// minutes; an expired block has no balance; minutes beyond the balance are overage, rounded up to the increment and
/// billed at the overage rate of the newest block. Pure: everything before the period draws down first.
/// </summary>
public static class BlockDrawdown
{
    public sealed record Block(Guid Id, DateOnly PurchasedOn, DateOnly? ExpiresOn, decimal Hours, decimal OverageRate);

    public sealed record Entry(DateOnly WorkDate, int Minutes);

    /// <param name="entries">Every Block Hour entry of the client up to the period's end.</param>
    public static BlockDrawdownResult Compute(IEnumerable<Block> blocks, IEnumerable<Entry> entries, DateOnly periodStart, DateOnly periodEnd, int incrementMinutes)
    {
        var ordered = blocks.OrderBy(b => b.PurchasedOn).ThenBy(b => b.Id).ToList();
        var remaining = ordered.ToDictionary(b => b.Id, b => (int)Math.Round(b.Hours * 60m, MidpointRounding.AwayFromZero));
        var before = new Dictionary<Guid, int>();
        var used = ordered.ToDictionary(b => b.Id, _ => 0);
        var overage = 0;
        var snapshotTaken = false;

        foreach (var entry in entries.Where(e => e.WorkDate < periodEnd).OrderBy(e => e.WorkDate))
        {
            if (!snapshotTaken && entry.WorkDate >= periodStart)
            {
                TakeSnapshot();
            }

            var minutes = entry.Minutes;
            foreach (var block in ordered)
            {
                // A block draws only once bought and until it expires.
                if (minutes == 0 || block.PurchasedOn > entry.WorkDate || (block.ExpiresOn is { } expires && entry.WorkDate >= expires))
                {
                    continue;
                }

                var take = Math.Min(minutes, remaining[block.Id]);
                remaining[block.Id] -= take;
                minutes -= take;
                if (entry.WorkDate >= periodStart)
                {
                    used[block.Id] += take;
                }
            }

            if (entry.WorkDate >= periodStart)
            {
                overage += minutes;
            }
        }

        if (!snapshotTaken)
        {
            TakeSnapshot();
        }

        // Balances are shown as they stand for the period: an expired block shows nothing left.
        int Available(Block b, int minutes, DateOnly asOf) => b.ExpiresOn is { } e && e <= asOf ? 0 : minutes;
        var balances = ordered.Select(b => new BlockBalance(b.Id, b.PurchasedOn, b.ExpiresOn, b.Hours,
            Available(b, before[b.Id], periodStart), used[b.Id], Available(b, remaining[b.Id], periodEnd.AddDays(-1)))).ToList();
        var rate = ordered.Count == 0 ? 0m : ordered[^1].OverageRate;
        var billed = TimeRules.RoundedMinutes(overage, incrementMinutes, 0);
        return new BlockDrawdownResult(balances, overage, billed, rate, TimeRules.Amount(billed, rate));

        void TakeSnapshot()
        {
            snapshotTaken = true;
            foreach (var (id, minutes) in remaining)
            {
                before[id] = minutes;
            }
        }
    }
}
