using CommandCenter.Accounting;

namespace CommandCenter.Web.Features.Billing.Review;

/// <summary>How the posting panel names a document and its state.</summary>
internal static class PostingRows
{
    /// <summary>data-kind: invoice | credit-memo (a correction is marked separately).</summary>
    public static string KindName(PostingRow row) => row.DocumentKind == DocumentKind.CreditMemo ? "credit-memo" : "invoice";

    public static string KindLabel(PostingRow row) => (row.CorrectionId, row.DocumentKind) switch
    {
        (not null, DocumentKind.CreditMemo) => "Correction · credit memo",
        (not null, _) => "Correction · supplementary invoice",
        (null, DocumentKind.CreditMemo) => "Credit memo",
        _ => "Invoice",
    };

    public static string StateLabel(PostingState state) => state switch
    {
        PostingState.Pending => "Queued",
        PostingState.Posting => "Posting…",
        PostingState.Posted => "Posted",
        PostingState.Failed => "Failed",
        _ => "Uncertain",
    };

    public static MudBlazor.Color StateColor(PostingState state) => state switch
    {
        PostingState.Posted => MudBlazor.Color.Success,
        PostingState.Failed => MudBlazor.Color.Error,
        PostingState.Uncertain => MudBlazor.Color.Warning,
        PostingState.Posting => MudBlazor.Color.Info,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>"12 of 40 posted · 1 failed · 2 uncertain".</summary>
    public static string Summary(PostingStatus status)
    {
        var parts = new List<string> { $"{status.Posted} of {status.Queued} posted" };
        if (status.Failed > 0)
        {
            parts.Add($"{status.Failed} failed");
        }

        if (status.Uncertain > 0)
        {
            parts.Add($"{status.Uncertain} uncertain");
        }

        if (status.Pending + status.Posting > 0)
        {
            parts.Add($"{status.Pending + status.Posting} to go");
        }

        return string.Join(" · ", parts);
    }

    /// <summary>The invoices whose latest document failed (a retry queues them as a new version); failed corrections are not among them.</summary>
    public static IReadOnlyList<Guid> FailedInvoices(PostingStatus status) =>
        [.. status.Rows.Where(r => r.CorrectionId is null && r.State == PostingState.Failed).Select(r => r.InvoiceId)];
}
