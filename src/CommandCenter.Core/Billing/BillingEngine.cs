using System.Globalization;
using CommandCenter.Common;
using CommandCenter.Psa;
using CommandCenter.VendorSync;

namespace CommandCenter.Billing;

/// <summary>Thresholds of a tenant's Billing settings the engine applies.</summary>
public sealed record EngineSettings(int StaleAfterHours = 24, decimal DropPercent = 50, decimal HighlightPercent = 0, decimal HighlightAmount = 0)
{
    public static EngineSettings From(BillingSettings s) => new(s.StaleAfterHours, s.DropPercent, s.HighlightPercent, s.HighlightAmount);
}

/// <summary>A catalog item as a line needs it.</summary>
public sealed record ItemRef(Guid Id, string Name, decimal UnitPrice, decimal UnitCost, bool Taxable);

/// <summary>Everything the engine knows of one client for one period. Loaded by <see cref="BillingInputs"/>.</summary>
public sealed record ClientInput(
    Guid ClientId,
    string Name,
    decimal HourlyRate,
    int IncrementMinutes,
    int MinimumMinutes,
    int PaymentTermsDays,
    IReadOnlyList<LineInput> Lines,
    IReadOnlyList<TicketInput> Tickets,
    IReadOnlyList<BlockInput> Blocks,
    IReadOnlyList<BlockDrawdown.Entry> BlockEntries,
    IReadOnlyList<ChargeInput> Charges,
    PreviousInvoice? Previous,
    IReadOnlyList<AdjustmentInput> Adjustments);

/// <summary>The client's last posted invoice: the diff's baseline.</summary>
public sealed record PreviousInvoice(BillingPeriod Period, decimal Total, IReadOnlyList<InvoiceLine> Lines);

/// <summary>A recurring line; <see cref="Source"/> carries the vendor evidence of a vendor-bound line.</summary>
public sealed record LineInput(
    Guid LineId,
    ItemRef Item,
    string? Description,
    decimal? UnitPriceOverride,
    decimal ManualQuantity,
    decimal IncludedUnits,
    decimal Minimum,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    bool VendorSourced,
    VendorBinding? Binding,
    SourceData? Source)
{
    public decimal UnitPrice => UnitPriceOverride ?? Item.UnitPrice;
}

/// <summary>The newest snapshots of the client's organisations mapped on the line's connection, and that connection's health.</summary>
public sealed record SourceData(string ConnectionName, bool Enabled, bool LastSyncFailed, string? LastError, int MappedOrganizations, IReadOnlyList<SourceSnapshot> Snapshots);

public sealed record SourceSnapshot(string OrganizationName, DateTime TakenUtc, IReadOnlyList<VendorAsset> Assets, IReadOnlyList<LicenceSubscription> Licences);

/// <summary>A ticket of the client with time in the period; entries carry their effective billing class.</summary>
public sealed record TicketInput(Guid TicketId, int Number, string Subject, bool Closed, IReadOnlyList<TimeInput> Entries);

/// <param name="Late">Worked in an earlier, already posted month but not billed there (logged late, or the ticket closed
/// after that month's last refresh): billed now, with its original date (billing-rules.md, "What a period's invoice holds").</param>
public sealed record TimeInput(DateOnly WorkDate, int Minutes, BillingClass? Class, string Technician, bool Late = false);

public sealed record BlockInput(Guid Id, DateOnly PurchasedOn, DateOnly? ExpiresOn, decimal Hours, decimal Price, decimal OverageRate);

public sealed record ChargeInput(Guid Id, DateOnly Date, string Description, ItemRef? Item, decimal Quantity, decimal UnitPrice);

public sealed record AdjustmentInput(string LineKey, decimal? Quantity, decimal? UnitPrice, bool Removed, string? Decision, ItemRef? AddedItem, string? AddedDescription, string Reason);

/// <summary>A drafted invoice: the engine's whole answer for one client.</summary>
public sealed record DraftInvoice(
    Guid ClientId,
    string ClientName,
    DateOnly InvoiceDate,
    DateOnly DueDate,
    IReadOnlyList<InvoiceLine> Lines,
    decimal Total,
    decimal? PreviousTotal,
    bool IsCreditMemo,
    int OpenFlags,
    bool Changed,
    bool Flagged,
    IReadOnlyList<string> Warnings);

/// <summary>
/// The billing engine (design invariant 1): a pure, deterministic function from a period's inputs to its draft
/// invoices, with every line's provenance, its diff against the last posted month and its flags. The preview and the
/// posted invoice come from this one function. Rules: billing-rules.md.
/// </summary>
public static class BillingEngine
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<DraftInvoice> Build(BillingPeriod period, IEnumerable<ClientInput> clients, EngineSettings settings, ItemRef? timeItem, ItemRef? blockItem, DateTime nowUtc) =>
        [.. clients.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.ClientId).Select(c => BuildInvoice(period, c, settings, timeItem, blockItem, nowUtc))];

    public static DraftInvoice BuildInvoice(BillingPeriod period, ClientInput client, EngineSettings settings, ItemRef? timeItem, ItemRef? blockItem, DateTime nowUtc)
    {
        var previous = client.Previous?.Lines.ToDictionary(l => l.Key, StringComparer.Ordinal) ?? [];
        var adjustments = client.Adjustments.ToDictionary(a => a.LineKey, StringComparer.Ordinal);
        var warnings = new List<string>();
        var drafted = new List<InvoiceLine>();

        foreach (var line in client.Lines.OrderBy(l => l.Item.Name, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.EffectiveFrom).ThenBy(l => l.LineId))
        {
            if (Recurring(period, line, settings, previous.GetValueOrDefault(Keys.Line(line.LineId)), nowUtc) is { } recurring)
            {
                drafted.Add(recurring);
            }
        }

        drafted.AddRange(Time(period, client, timeItem, warnings));
        drafted.AddRange(Blocks(period, client, timeItem, blockItem));
        foreach (var charge in client.Charges.Where(c => period.Contains(c.Date)).OrderBy(c => c.Date).ThenBy(c => c.Id))
        {
            var amount = Money.RoundCents(charge.Quantity * charge.UnitPrice);
            drafted.Add(new InvoiceLine
            {
                Key = Keys.Charge(charge.Id),
                Kind = LineKinds.Charge,
                ItemId = charge.Item?.Id,
                ItemName = charge.Item?.Name,
                Description = charge.Description,
                Quantity = charge.Quantity,
                UnitPrice = charge.UnitPrice,
                UnitCost = charge.Item?.UnitCost,
                Amount = amount,
                Taxable = charge.Item?.Taxable ?? false,
                Provenance = new Provenance
                {
                    Source = amount < 0 ? "Credit" : "One-off charge",
                    Rule = $"Dated {charge.Date:yyyy-MM-dd}; billed once",
                },
                Flags = BelowCost(charge.UnitPrice, charge.Item?.UnitCost),
            });
        }

        foreach (var added in client.Adjustments.Where(a => a.LineKey.StartsWith(Keys.AddedPrefix, StringComparison.Ordinal) && a.AddedItem is not null).OrderBy(a => a.LineKey, StringComparer.Ordinal))
        {
            var quantity = added.Quantity ?? 1;
            var price = added.UnitPrice ?? added.AddedItem!.UnitPrice;
            drafted.Add(new InvoiceLine
            {
                Key = added.LineKey,
                Kind = LineKinds.Added,
                ItemId = added.AddedItem!.Id,
                ItemName = added.AddedItem.Name,
                Description = string.IsNullOrWhiteSpace(added.AddedDescription) ? added.AddedItem.Name : added.AddedDescription,
                Quantity = quantity,
                UnitPrice = price,
                UnitCost = added.AddedItem.UnitCost,
                Amount = Money.RoundCents(quantity * price),
                Taxable = added.AddedItem.Taxable,
                Provenance = new Provenance { Source = "Added by hand", Rule = $"Added for this month: {added.Reason}" },
            });
        }

        // Manual adjustments and flag decisions, then the diff against the last posted month.
        var lines = new List<InvoiceLine>();
        foreach (var line in drafted)
        {
            var adjusted = adjustments.TryGetValue(line.Key, out var adjustment) && line.Kind != LineKinds.Added ? Adjust(period, line, adjustment) : line;
            lines.Add(Diff(adjusted, previous.GetValueOrDefault(line.Key), settings));
        }

        var current = lines.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in previous.Values.Where(p => !current.Contains(p.Key) && p is { Excluded: false, Kind: LineKinds.Recurring or LineKinds.BlockOverage or LineKinds.Added } && (p.Amount != 0 || p.Quantity != 0))
                     .OrderBy(p => p.ItemName ?? p.Description, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            lines.Add(new InvoiceLine
            {
                Key = gone.Key,
                Kind = gone.Kind,
                ItemId = gone.ItemId,
                ItemName = gone.ItemName,
                Description = gone.Description,
                UnitPrice = gone.UnitPrice,
                UnitCost = gone.UnitCost,
                Taxable = gone.Taxable,
                Change = ChangeKinds.Removed,
                PreviousQuantity = gone.Quantity,
                PreviousAmount = gone.Amount,
                QuantityDelta = -gone.Quantity,
                AmountDelta = -gone.Amount,
                Highlighted = true,
                Excluded = true,
                Reasons = [gone.Kind == LineKinds.Recurring ? "Line ended or removed from the agreement" : "Not billed this month"],
                Provenance = new Provenance { Source = "Last posted month", Rule = $"Billed in {client.Previous!.Period.Display}, not this month" },
            });
        }

        var total = lines.Where(l => !l.Excluded).Sum(l => l.Amount);
        if (total < 0)
        {
            warnings.Add($"The total is negative ({Money.Text(total)}): it posts as a credit memo, never as a negative invoice.");
        }

        var openFlags = lines.Count(l => l.NeedsDecision);
        return new DraftInvoice(
            client.ClientId,
            client.Name,
            period.LastDay,
            period.LastDay.AddDays(client.PaymentTermsDays),
            lines,
            total,
            client.Previous?.Total,
            total < 0,
            openFlags,
            lines.Any(l => l.Change != ChangeKinds.Same),
            lines.Any(l => l.Flags.Count > 0),
            warnings);
    }

    /// <summary>A recurring line active in the period: quantity rule, proration by days, vendor evidence and flags.</summary>
    private static InvoiceLine? Recurring(BillingPeriod period, LineInput line, EngineSettings settings, InvoiceLine? previous, DateTime nowUtc)
    {
        var from = line.EffectiveFrom > period.Start ? line.EffectiveFrom : period.Start;
        var to = line.EffectiveTo is { } end && end < period.End ? end : period.End;
        var days = to.DayNumber - from.DayNumber;
        if (days <= 0)
        {
            return null;
        }

        var flags = new List<LineFlag>();
        decimal count;
        string source;
        DateTime? snapshotUtc = null;
        List<string> evidence = [];
        List<string> notCounted = [];
        List<string> organizations = [];
        if (!line.VendorSourced)
        {
            count = line.ManualQuantity;
            source = "Manual quantity";
        }
        else if (line.Binding is null || line.Source is null)
        {
            count = 0;
            source = "Vendor source missing";
            flags.Add(new LineFlag(FlagKinds.NoSource, "The line's vendor connection no longer exists: bind it again or decide."));
        }
        else
        {
            var s = line.Source;
            source = line.Binding.Describe(s.ConnectionName);
            (count, evidence, notCounted, organizations) = Count(line.Binding, s.Snapshots);
            snapshotUtc = s.Snapshots.Count == 0 ? null : s.Snapshots.Min(x => x.TakenUtc);
            if (s.MappedOrganizations == 0)
            {
                flags.Add(new LineFlag(FlagKinds.Unmapped, $"No {s.ConnectionName} organisation is mapped to this client, so nothing is counted."));
            }
            else if (s.Snapshots.Count == 0)
            {
                flags.Add(new LineFlag(FlagKinds.Stale, $"{s.ConnectionName} has not synced this client's organisation yet."));
            }
            else if (nowUtc - snapshotUtc > TimeSpan.FromHours(settings.StaleAfterHours))
            {
                flags.Add(new LineFlag(FlagKinds.Stale, $"The newest {s.ConnectionName} count is from {snapshotUtc:yyyy-MM-dd HH:mm} UTC, older than {settings.StaleAfterHours} h."));
            }

            if (s.LastSyncFailed)
            {
                flags.Add(new LineFlag(FlagKinds.SyncFailed, $"The last {s.ConnectionName} sync failed: {s.LastError ?? "no message"}. The count is from the last good sync."));
            }
            else if (!s.Enabled)
            {
                flags.Add(new LineFlag(FlagKinds.Stale, $"{s.ConnectionName} is disabled: its counts are no longer refreshed."));
            }

            var previousCount = previous?.Provenance.Count ?? previous?.Quantity;
            if (previous is { Excluded: false } && previousCount > 0 && (count == 0 || count <= previousCount.Value * (1 - (settings.DropPercent / 100m))))
            {
                var message = count == 0
                    ? $"The count fell from {Qty(previousCount.Value)} to 0: probably a sync or mapping problem, not churn."
                    : $"The count fell from {Qty(previousCount.Value)} to {Qty(count)} (≥ {Qty(settings.DropPercent)} %): check the source before billing it.";
                flags.Add(new LineFlag(FlagKinds.Drop, message));
            }
        }

        var quantity = Clients.RecurringLine.BilledQuantity(count, line.IncludedUnits, line.Minimum);
        flags.AddRange(BelowCost(line.UnitPrice, line.Item.UnitCost));
        var rule = line.IncludedUnits == 0 && line.Minimum == 0
            ? $"{Qty(count)} counted → {Qty(quantity)} billed"
            : $"max(minimum {Qty(line.Minimum)}, {Qty(count)} counted − {Qty(line.IncludedUnits)} included) = {Qty(quantity)} billed";
        var prorated = days < period.Days;
        if (prorated)
        {
            rule += $"; prorated {days} of {period.Days} days ({from:MMM d}–{to.AddDays(-1):MMM d})";
        }

        return new InvoiceLine
        {
            Key = Keys.Line(line.LineId),
            Kind = LineKinds.Recurring,
            ItemId = line.Item.Id,
            ItemName = line.Item.Name,
            Description = string.IsNullOrWhiteSpace(line.Description) ? line.Item.Name : line.Description,
            Quantity = quantity,
            UnitPrice = line.UnitPrice,
            UnitCost = line.Item.UnitCost,
            Amount = RecurringAmount(line.UnitPrice, quantity, days, period.Days),
            Taxable = line.Item.Taxable,
            Flags = flags,
            Provenance = new Provenance
            {
                Source = source,
                SnapshotUtc = snapshotUtc,
                Metric = line.Binding?.Metric,
                Rule = rule,
                Count = count,
                Evidence = evidence,
                NotCounted = notCounted,
                Organizations = organizations,
                DaysActive = days,
                DaysInPeriod = period.Days,
            },
        };
    }

    /// <summary>amount = unit price × quantity × days active / days in period, rounded to cents once.</summary>
    public static decimal RecurringAmount(decimal unitPrice, decimal quantity, int daysActive, int daysInPeriod) =>
        daysActive >= daysInPeriod ? Money.RoundCents(unitPrice * quantity) : Money.RoundCents(unitPrice * quantity * daysActive / daysInPeriod);

    /// <summary>The binding's count over the stored evidence of every mapped organisation (sister companies add up).</summary>
    /// <remarks>
    /// Evidence is listed by the vendor's own names, without the organisation: a device keeps its label when a sister
    /// company is mapped later, so the diff names only what really changed. <c>Organizations</c> says what each
    /// organisation contributed.
    /// </remarks>
    public static (decimal Count, List<string> Evidence, List<string> NotCounted, List<string> Organizations) Count(VendorBinding binding, IReadOnlyList<SourceSnapshot> snapshots)
    {
        var evidence = new List<string>();
        var notCounted = new List<string>();
        var organizations = new List<string>();
        decimal count = 0;
        foreach (var snapshot in snapshots.OrderBy(s => s.OrganizationName, StringComparer.OrdinalIgnoreCase))
        {
            var before = count;
            if (binding.Metric == SourceMetrics.Licences)
            {
                foreach (var l in snapshot.Licences.Where(binding.MatchesLicence).OrderBy(l => l.ProductName, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.ExternalId, StringComparer.Ordinal))
                {
                    var seats = binding.Basis == VendorBinding.Assigned ? l.Assigned ?? 0 : l.Quantity;
                    var label = $"{MicrosoftSkus.DisplayName(l)} × {Qty(seats)} {binding.Basis} ({l.Status ?? "no status"}{(l.CommitmentTerm ?? l.BillingTerm) switch { null => "", var t => ", " + t }})";
                    if (l.Counted)
                    {
                        count += seats;
                        evidence.Add(label);
                    }
                    else
                    {
                        notCounted.Add(label + " — not counted: " + (l.Status ?? "inactive"));
                    }
                }

                organizations.Add($"{snapshot.OrganizationName}: {Qty(count - before)} (synced {snapshot.TakenUtc:yyyy-MM-dd HH:mm} UTC)");
                continue;
            }

            foreach (var a in snapshot.Assets.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ThenBy(a => a.ExternalId, StringComparer.Ordinal))
            {
                if (!binding.MatchesAsset(a))
                {
                    continue;
                }

                if (a.Counted)
                {
                    count++;
                    evidence.Add(a.Name);
                }
                else
                {
                    notCounted.Add($"{a.Name} — not counted: {a.Status ?? "not active"}");
                }
            }

            organizations.Add($"{snapshot.OrganizationName}: {Qty(count - before)} (synced {snapshot.TakenUtc:yyyy-MM-dd HH:mm} UTC)");
        }

        return (count, evidence, notCounted, organizations);
    }

    /// <summary>T&amp;M: one line per closed ticket with Billable time in the period; open tickets' time is a warning.</summary>
    private static IEnumerable<InvoiceLine> Time(BillingPeriod period, ClientInput client, ItemRef? timeItem, List<string> warnings)
    {
        var open = new List<(int Number, int Minutes)>();
        foreach (var ticket in client.Tickets.OrderBy(t => t.Number).ThenBy(t => t.TicketId))
        {
            var inPeriod = ticket.Entries.Where(e => period.Contains(e.WorkDate) || (e.Late && e.WorkDate < period.Start)).OrderBy(e => e.WorkDate).ThenBy(e => e.Technician, StringComparer.Ordinal).ThenBy(e => e.Minutes).ToList();
            if (!ticket.Closed)
            {
                var openMinutes = inPeriod.Sum(e => e.Minutes);
                if (openMinutes > 0)
                {
                    open.Add((ticket.Number, openMinutes));
                }

                continue;
            }

            var billable = inPeriod.Where(e => e.Class == BillingClass.Billable).ToList();
            var minutes = billable.Sum(e => e.Minutes);
            if (minutes <= 0)
            {
                continue;
            }

            var rounded = TimeRules.RoundedMinutes(minutes, client.IncrementMinutes, client.MinimumMinutes);
            var rule = $"{minutes} min billable, rounded up to {client.IncrementMinutes} min → {TimeRules.RoundedMinutes(minutes, client.IncrementMinutes, 0)} min";
            if (rounded > TimeRules.RoundedMinutes(minutes, client.IncrementMinutes, 0))
            {
                rule += $", raised to the {client.MinimumMinutes} min ticket minimum → {rounded} min";
            }

            yield return new InvoiceLine
            {
                Key = Keys.Ticket(ticket.TicketId),
                Kind = LineKinds.Time,
                ItemId = timeItem?.Id,
                ItemName = timeItem?.Name,
                Description = billable.Where(e => e.Late).Select(e => e.WorkDate).Order().ToList() is { Count: > 0 } late
                    ? $"#{ticket.Number} {ticket.Subject} (includes time of {string.Join(", ", late.Distinct().Select(d => d.ToString("yyyy-MM-dd", Invariant)))}, billed late)"
                    : $"#{ticket.Number} {ticket.Subject}",
                Quantity = decimal.Round(TimeRules.Hours(rounded), 4, MidpointRounding.AwayFromZero),
                UnitPrice = client.HourlyRate,
                UnitCost = timeItem?.UnitCost,
                Amount = TimeRules.Amount(rounded, client.HourlyRate),
                Taxable = timeItem?.Taxable ?? false,
                Provenance = new Provenance
                {
                    Source = "Time entries (Billable)",
                    Rule = rule + $" × {Money.Text(client.HourlyRate)}/h",
                    Count = minutes,
                    Evidence = [.. billable.Select(e => $"{e.WorkDate:yyyy-MM-dd} · {e.Technician} · {e.Minutes} min")],
                },
            };
        }

        if (open.Count > 0)
        {
            var hours = TimeRules.Hours(open.Sum(o => o.Minutes));
            warnings.Add($"{Qty(decimal.Round(hours, 2))} h on open tickets ({string.Join(", ", open.Select(o => "#" + o.Number.ToString(Invariant)))}) are not billed until the tickets are closed.");
        }
    }

    /// <summary>Block hours: purchases billed once in their month; drawdown with overage at the newest block's rate.</summary>
    private static IEnumerable<InvoiceLine> Blocks(BillingPeriod period, ClientInput client, ItemRef? timeItem, ItemRef? blockItem)
    {
        foreach (var block in client.Blocks.Where(b => period.Contains(b.PurchasedOn) && b.Price != 0).OrderBy(b => b.PurchasedOn).ThenBy(b => b.Id))
        {
            yield return new InvoiceLine
            {
                Key = Keys.BlockPurchase(block.Id),
                Kind = LineKinds.BlockPurchase,
                ItemId = blockItem?.Id,
                ItemName = blockItem?.Name,
                Description = $"Prepaid block of {Qty(block.Hours)} hours (bought {block.PurchasedOn:yyyy-MM-dd})",
                Quantity = 1,
                UnitPrice = block.Price,
                UnitCost = blockItem?.UnitCost,
                Amount = Money.RoundCents(block.Price),
                Taxable = blockItem?.Taxable ?? false,
                Provenance = new Provenance { Source = "Block purchase", Rule = "A block purchase is billed once, in the month it was bought" },
            };
        }

        // A block bought after the month (November billed in early December) neither draws, nor sets the month's
        // overage rate, nor adds to its balance.
        var blocks = client.Blocks.Where(b => b.PurchasedOn < period.End).ToList();
        if (blocks.Count == 0)
        {
            yield break;
        }

        var result = BlockDrawdown.Compute(
            blocks.Select(b => new BlockDrawdown.Block(b.Id, b.PurchasedOn, b.ExpiresOn, b.Hours, b.OverageRate)),
            client.BlockEntries, period.Start, period.End, client.IncrementMinutes);
        var used = result.Blocks.Sum(b => b.MinutesUsed);
        if (used == 0 && result.OverageMinutes == 0)
        {
            yield break;
        }

        var newest = blocks.OrderBy(b => b.PurchasedOn).ThenBy(b => b.Id).Last();
        var description = result.OverageMinutes > 0
            ? $"Block hours overage: {Qty(decimal.Round(TimeRules.Hours(result.OverageBilledMinutes), 2))} h beyond the prepaid balance"
            : $"Block hours: {Qty(decimal.Round(TimeRules.Hours(used), 2))} h drawn from the prepaid balance";
        yield return new InvoiceLine
        {
            Key = Keys.Block(newest.Id),
            Kind = LineKinds.BlockOverage,
            ItemId = timeItem?.Id,
            ItemName = timeItem?.Name,
            Description = description,
            Quantity = decimal.Round(TimeRules.Hours(result.OverageBilledMinutes), 4, MidpointRounding.AwayFromZero),
            UnitPrice = result.OverageRate,
            UnitCost = timeItem?.UnitCost,
            Amount = result.OverageAmount,
            Taxable = timeItem?.Taxable ?? false,
            Provenance = new Provenance
            {
                Source = "Time entries (Block Hour)",
                Rule = result.OverageMinutes > 0
                    ? $"{used} min drawn from the blocks; {result.OverageMinutes} min beyond the balance, rounded up to {client.IncrementMinutes} min → {result.OverageBilledMinutes} min × {Money.Text(result.OverageRate)}/h"
                    : $"{used} min drawn from the blocks, oldest first; no overage",
                Count = used + result.OverageMinutes,
                BlockMinutesBefore = result.MinutesBefore,
                BlockMinutesAfter = result.MinutesAfter,
                Evidence = [.. result.Blocks.Select(b => $"Block of {Qty(b.Hours)} h bought {b.PurchasedOn:yyyy-MM-dd}: {Qty(decimal.Round(TimeRules.Hours(b.MinutesBefore), 2))} h → {Qty(decimal.Round(TimeRules.Hours(b.MinutesAfter), 2))} h left")],
            },
        };
    }

    private static InvoiceLine Adjust(BillingPeriod period, InvoiceLine line, AdjustmentInput a)
    {
        var reasons = new List<string>();
        var quantity = line.Quantity;
        var price = line.UnitPrice;
        var excluded = a.Removed || a.Decision == Decisions.Exclude;
        if (a.Quantity is { } q && q != line.Quantity)
        {
            reasons.Add($"Manual override: quantity {Qty(line.Quantity)} → {Qty(q)} ({a.Reason})");
            quantity = q;
        }

        if (a.UnitPrice is { } p && p != line.UnitPrice)
        {
            reasons.Add($"Manual override: price {Money.Text(line.UnitPrice)} → {Money.Text(p)} ({a.Reason})");
            price = p;
        }

        if (excluded)
        {
            reasons.Add($"Excluded by hand ({a.Reason})");
        }
        else if (a.Decision == Decisions.Accept)
        {
            reasons.Add($"Flag accepted ({a.Reason})");
        }

        var amount = quantity == line.Quantity && price == line.UnitPrice
            ? line.Amount
            : line.Kind == LineKinds.Recurring && line.Provenance.DaysActive is { } days
                ? RecurringAmount(price, quantity, days, line.Provenance.DaysInPeriod ?? period.Days)
                : Money.RoundCents(quantity * price);
        return line with
        {
            Quantity = quantity,
            UnitPrice = price,
            Amount = amount,
            Excluded = excluded,
            Decision = a.Decision ?? (line.Flags.Count > 0 && (a.Quantity is not null || a.Removed) ? (a.Removed ? Decisions.Exclude : Decisions.Override) : null),
            DecisionReason = a.Reason,
            Reasons = reasons,
            Flags = [.. line.Flags.Where(f => f.Kind != FlagKinds.BelowCost || price < (line.UnitCost ?? 0))],
        };
    }

    private static InvoiceLine Diff(InvoiceLine line, InvoiceLine? previous, EngineSettings settings)
    {
        var reasons = new List<string>();
        var amount = line.Excluded ? 0 : line.Amount;
        var quantity = line.Excluded ? 0 : line.Quantity;
        if (previous is null || previous.Excluded)
        {
            reasons.Add(line.Kind switch
            {
                LineKinds.Time => "Billable time this month",
                LineKinds.Charge => line.Amount < 0 ? "Credit this month" : "One-off charge this month",
                LineKinds.BlockPurchase => "Block bought this month",
                LineKinds.Added => "Added by hand this month",
                _ => "New since the last posted month",
            });
            if (line.Provenance is { DaysActive: { } d, DaysInPeriod: { } n } && d < n)
            {
                reasons.Add($"Prorated: {d} of {n} days");
            }

            reasons.AddRange(line.Reasons);
            return line with
            {
                Change = ChangeKinds.New,
                QuantityDelta = quantity,
                AmountDelta = amount,
                Highlighted = true,
                Reasons = reasons,
            };
        }

        var quantityDelta = quantity - previous.Quantity;
        var amountDelta = amount - previous.Amount;
        var provenance = line.Provenance;
        if (provenance.Evidence.Count > 0 || previous.Provenance.Evidence.Count > 0)
        {
            if (line.Kind == LineKinds.Recurring && line.Provenance.Metric != SourceMetrics.Licences)
            {
                var before = previous.Provenance.Evidence.ToHashSet(StringComparer.OrdinalIgnoreCase);
                var now = provenance.Evidence.ToHashSet(StringComparer.OrdinalIgnoreCase);
                var added = provenance.Evidence.Where(e => !before.Contains(e)).ToList();
                var removed = previous.Provenance.Evidence.Where(e => !now.Contains(e)).ToList();
                provenance = provenance with { Added = added, Removed = removed };
                var noun = Noun(line);
                if (added.Count > 0)
                {
                    reasons.Add($"+{added.Count} {Plural(noun, added.Count)} added: {Names(added)}");
                }

                if (removed.Count > 0)
                {
                    reasons.Add($"−{removed.Count} {Plural(noun, removed.Count)} removed: {Names(removed)}");
                }
            }
        }

        var countBefore = previous.Provenance.Count ?? previous.Quantity;
        var countNow = provenance.Count ?? line.Quantity;
        if (line.Kind == LineKinds.Recurring && countNow != countBefore && provenance.Added.Count == 0 && provenance.Removed.Count == 0)
        {
            var what = line.Provenance.Metric == SourceMetrics.Licences ? "Seats" : "Quantity";
            reasons.Add($"{what} {Qty(countBefore)} → {Qty(countNow)}");
        }

        if (line.UnitPrice != previous.UnitPrice && !line.Reasons.Any(r => r.Contains("price", StringComparison.Ordinal)))
        {
            reasons.Add($"Price {Money.Text(previous.UnitPrice)} → {Money.Text(line.UnitPrice)}");
        }

        var wasProrated = previous.Provenance is { DaysActive: { } pd, DaysInPeriod: { } pn } && pd < pn;
        if (line.Provenance is { DaysActive: { } d2, DaysInPeriod: { } n2 } && d2 < n2)
        {
            reasons.Add($"Prorated: {d2} of {n2} days");
        }
        else if (wasProrated)
        {
            reasons.Add("Full month (last month was prorated)");
        }

        if (line.Kind == LineKinds.Time && line.Quantity != previous.Quantity && !line.Reasons.Any(r => r.Contains("quantity", StringComparison.Ordinal)))
        {
            reasons.Add($"Billable time {Qty(previous.Quantity)} h → {Qty(line.Quantity)} h (this month's time on the ticket)");
        }

        if (line.Kind == LineKinds.BlockOverage && line.Quantity != previous.Quantity)
        {
            reasons.Add($"Overage {Qty(previous.Quantity)} h → {Qty(line.Quantity)} h");
        }

        reasons.AddRange(line.Reasons);
        var change = amountDelta > 0 ? ChangeKinds.Up
            : amountDelta < 0 ? ChangeKinds.Down
            : quantityDelta > 0 ? ChangeKinds.Up
            : quantityDelta < 0 ? ChangeKinds.Down
            : ChangeKinds.Same;
        if (line.Excluded && previous.Amount != 0)
        {
            change = ChangeKinds.Down;
        }

        var highlighted = change != ChangeKinds.Same
            && Math.Abs(amountDelta) >= settings.HighlightAmount
            && (previous.Amount == 0 || Math.Abs(amountDelta) * 100m / Math.Abs(previous.Amount) >= settings.HighlightPercent);
        return line with
        {
            Change = change,
            PreviousQuantity = previous.Quantity,
            PreviousAmount = previous.Amount,
            QuantityDelta = quantityDelta,
            AmountDelta = amountDelta,
            Highlighted = highlighted,
            Reasons = change == ChangeKinds.Same && line.Reasons.Count == 0 ? [] : reasons,
            Provenance = provenance,
        };
    }

    private static string Noun(InvoiceLine line) => line.Provenance.Metric is { } metric ? SourceMetrics.Noun(metric) : "device";

    private static string Plural(string noun, int count) => count == 1 ? noun : noun + "s";

    private static string Names(IReadOnlyList<string> names) => names.Count <= 5 ? string.Join(", ", names) : string.Join(", ", names.Take(5)) + $" and {names.Count - 5} more";

    private static List<LineFlag> BelowCost(decimal price, decimal? cost) =>
        cost is { } c && c > 0 && price >= 0 && price < c ? [new LineFlag(FlagKinds.BelowCost, $"The price {Money.Text(price)} is below the unit cost {Money.Text(c)}.")] : [];

    public static string Qty(decimal value) => value.ToString("0.####", Invariant);

    /// <summary>Line identity (billing-rules.md): agreement line, ticket, charge or block id — never description or date.</summary>
    public static class Keys
    {
        public const string AddedPrefix = "added:";

        public static string Line(Guid id) => $"line:{id:N}";
        public static string Ticket(Guid id) => $"ticket:{id:N}";
        public static string Charge(Guid id) => $"charge:{id:N}";
        public static string Block(Guid id) => $"block:{id:N}";
        public static string BlockPurchase(Guid id) => $"block-purchase:{id:N}";
        public static string Added(Guid id) => $"{AddedPrefix}{id:N}";
    }
}
