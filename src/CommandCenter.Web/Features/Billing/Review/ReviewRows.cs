using System.Globalization;
using CommandCenter.Billing;

namespace CommandCenter.Web.Features.Billing.Review;

/// <summary>
/// One row of the review list: an invoice's header (<see cref="Line"/> null) or one of its lines. The whole month is
/// flattened into one list of fixed-height rows so a single virtualized view holds every invoice and line.
/// </summary>
public sealed record ReviewRow(int Index, Invoice Invoice, InvoiceLine? Line)
{
    public bool IsHeader => Line is null;

    /// <summary>Stable across reloads: the client (an invoice per client per run) and the line's identity.</summary>
    public string Key => Line is null ? Invoice.ClientId.ToString("N") : Invoice.ClientId.ToString("N") + "|" + Line.Key;
}

/// <summary>The pure parts of the review page: flattening, keyboard moves, what moved between two loads, labels.</summary>
internal static class ReviewRows
{
    public static List<ReviewRow> Flatten(IEnumerable<Invoice> invoices)
    {
        var rows = new List<ReviewRow>();
        foreach (var invoice in invoices)
        {
            rows.Add(new ReviewRow(rows.Count, invoice, null));
            foreach (var line in invoice.Lines)
            {
                rows.Add(new ReviewRow(rows.Count, invoice, line));
            }
        }

        return rows;
    }

    /// <summary>
    /// Where a key moves the focus from row <paramref name="from"/>: j/k to the next/previous invoice header, arrows to
    /// the next/previous row, Home/End to the first/last row. -1 when the key does not move.
    /// </summary>
    public static int Move(IReadOnlyList<ReviewRow> rows, int from, string key)
    {
        if (rows.Count == 0)
        {
            return -1;
        }

        from = Math.Clamp(from, 0, rows.Count - 1);
        switch (key)
        {
            case "ArrowDown":
                return Math.Min(from + 1, rows.Count - 1);
            case "ArrowUp":
                return Math.Max(from - 1, 0);
            case "Home":
                return 0;
            case "End":
                return rows.Count - 1;
            case "j":
                for (var i = from + 1; i < rows.Count; i++)
                {
                    if (rows[i].IsHeader)
                    {
                        return i;
                    }
                }

                return from;
            case "k":
                // From a line, k goes to its own invoice first (as in a mail client); from a header, to the one before.
                for (var i = from - 1; i >= 0; i--)
                {
                    if (rows[i].IsHeader)
                    {
                        return i;
                    }
                }

                return from;
            default:
                return -1;
        }
    }

    /// <summary>
    /// The lines whose billed quantity or amount differ between two loads of the run (keyed by <see cref="ReviewRow.Key"/>),
    /// new lines of a known invoice included: what a live update flashes.
    /// </summary>
    public static IReadOnlyList<string> Moved(IEnumerable<Invoice> before, IEnumerable<Invoice> after)
    {
        var old = before.ToDictionary(i => i.ClientId);
        var moved = new List<string>();
        foreach (var invoice in after)
        {
            // An invoice's lines are only rewritten with a new ComputedUtc: the unchanged thousands are skipped cheaply.
            if (!old.TryGetValue(invoice.ClientId, out var previous) || previous.ComputedUtc == invoice.ComputedUtc)
            {
                continue;
            }

            var lines = previous.Lines.ToDictionary(l => l.Key, StringComparer.Ordinal);
            foreach (var line in invoice.Lines)
            {
                if (!lines.TryGetValue(line.Key, out var was) || was.Quantity != line.Quantity || was.Amount != line.Amount || was.Excluded != line.Excluded)
                {
                    moved.Add(new ReviewRow(0, invoice, line).Key);
                }
            }
        }

        return moved;
    }

    public static string Status(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Approved => "approved",
        InvoiceStatus.Posted => "posted",
        _ => "draft",
    };

    public static string FlagLabel(string kind) => kind switch
    {
        FlagKinds.Stale => "Stale source",
        FlagKinds.SyncFailed => "Sync failed",
        FlagKinds.Unmapped => "Unmapped",
        FlagKinds.NoSource => "No source",
        FlagKinds.Drop => "Count dropped",
        FlagKinds.BelowCost => "Below cost",
        _ => kind,
    };

    public static string DecisionLabel(string decision) => decision switch
    {
        Decisions.Accept => "Accepted",
        Decisions.Override => "Overridden",
        Decisions.Exclude => "Excluded",
        _ => decision,
    };

    /// <summary>"+$75.00 (+1.6 %)", "−$1,267.20 (−23.9 %)"; the percentage only when last month billed something.</summary>
    public static string Change(decimal now, decimal? before)
    {
        if (before is not { } b)
        {
            return "—";
        }

        var delta = now - b;
        var text = Signed(delta);
        return b == 0 ? text : $"{text} ({Percent(delta / b * 100)})";
    }

    public static string Signed(decimal amount) => amount switch
    {
        > 0 => "+" + Format.Currency(amount),
        < 0 => "−" + Format.Currency(-amount),
        _ => Format.Currency(0m),
    };

    public static string SignedQuantity(decimal quantity) => quantity switch
    {
        > 0 => "+" + Format.Quantity(quantity),
        < 0 => "−" + Format.Quantity(-quantity),
        _ => "0",
    };

    /// <summary>"+1.6 %" of the change against <paramref name="before"/>; empty when there is nothing to compare.</summary>
    public static string ChangePercent(decimal now, decimal? before) => before is { } b && b != 0 ? Percent((now - b) / b * 100) : "";

    private static string Percent(decimal value)
    {
        var rounded = Math.Round(value, 1, MidpointRounding.AwayFromZero);
        return (rounded > 0 ? "+" : rounded < 0 ? "−" : "") + Math.Abs(rounded).ToString("0.0", CultureInfo.InvariantCulture) + " %";
    }
}
