using System.Globalization;
using System.Text;
using CommandCenter.Common;

namespace CommandCenter.Billing;

/// <summary>The review's filters (kept in the page's URL and the API's query string).</summary>
public sealed record RunFilter(bool OnlyChanged = false, bool OnlyFlagged = false, string? Search = null)
{
    public IEnumerable<Invoice> Apply(IEnumerable<Invoice> invoices)
    {
        var search = Search?.Trim();
        return invoices.Where(i =>
            (!OnlyChanged || i.Changed)
            && (!OnlyFlagged || i.Flagged)
            && (string.IsNullOrEmpty(search) || i.ClientName.Contains(search, StringComparison.OrdinalIgnoreCase) || (i.Number?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false)));
    }
}

/// <summary>The preview as a spreadsheet: one row per line, with the client, the diff and the flags (RFC 4180 CSV).</summary>
public static class BillingCsv
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The file as served: UTF-8 with a BOM, so spreadsheet programs read client names, "→" and "−" as such.</summary>
    public static byte[] File(RunView run, IEnumerable<Invoice> invoices) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Write(run, invoices))];

    public static string FileName(RunView run) => $"billing-preview-{run.Period}.csv";

    public static string Write(RunView run, IEnumerable<Invoice> invoices)
    {
        var sb = new StringBuilder();
        sb.Append("Period,Client,Invoice status,Line,Kind,Item,Quantity,Unit price,Amount,Change,Previous quantity,Previous amount,Amount change,Reasons,Flags,Decision,Excluded,Source,Snapshot (UTC)\r\n");
        foreach (var invoice in invoices)
        {
            foreach (var l in invoice.Lines)
            {
                Row(sb, run.Period.ToString(), invoice.ClientName, invoice.Status.ToString(), l.Description, l.Kind, l.ItemName ?? "",
                    Num(l.Quantity), Money2(l.UnitPrice), Money2(l.Excluded ? 0 : l.Amount), l.Change, l.PreviousQuantity is { } pq ? Num(pq) : "",
                    l.PreviousAmount is { } pa ? Money2(pa) : "", Money2(l.AmountDelta), string.Join("; ", l.Reasons), string.Join("; ", l.Flags.Select(f => f.Message)),
                    l.Decision ?? "", l.Excluded ? "yes" : "", l.Provenance.Source, l.Provenance.SnapshotUtc?.ToString("yyyy-MM-dd HH:mm", Invariant) ?? "");
            }

            Row(sb, run.Period.ToString(), invoice.ClientName, invoice.Status.ToString(), invoice.IsCreditMemo ? "Total (credit memo)" : "Total", "total", "", "", "",
                Money2(invoice.Total), invoice.Changed ? "changed" : "same", "", invoice.PreviousTotal is { } pt ? Money2(pt) : "",
                invoice.PreviousTotal is { } p ? Money2(invoice.Total - p) : "", string.Join("; ", invoice.Warnings), "", "", "", "", "");
        }

        return sb.ToString();
    }

    private static string Num(decimal v) => v.ToString("0.####", Invariant);

    private static string Money2(decimal v) => v.ToString("0.00", Invariant);

    private static void Row(StringBuilder sb, params string[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Escape(cells[i]));
        }

        sb.Append("\r\n");
    }

    /// <summary>Quotes cells that need it, and neutralises spreadsheet formulas (=, +, -, @ at the start of text).</summary>
    private static string Escape(string value)
    {
        var v = value;
        if (v.Length > 0 && v[0] is '=' or '+' or '@' or '\t' or '\r' && !decimal.TryParse(v, NumberStyles.Number, Invariant, out _))
        {
            v = "'" + v;
        }
        else if (v.Length > 0 && v[0] == '-' && !decimal.TryParse(v, NumberStyles.Number, Invariant, out _))
        {
            v = "'" + v;
        }

        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }
}
