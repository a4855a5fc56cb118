using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using CommandCenter.Common;
using CommandCenter.Psa;
using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Features.Psa.Embed;

/// <summary>
/// The embeddable close (<c>/embed/close/{token}</c>): a small server-rendered page meant for an iframe inside an
/// external PSA. The signed link is the permission (no cookie reaches a third-party frame), so the form carries no
/// antiforgery token; framing is limited to the tenant's configured origins with CSP <c>frame-ancestors</c>.
/// </summary>
internal static class EmbedEndpoints
{
    private static readonly (BillingClass Class, string Label, string Help)[] Classes =
    [
        (BillingClass.Included, "Included", "Covered by the agreement"),
        (BillingClass.Billable, "Billable", "Time and materials at the client's rate"),
        (BillingClass.BlockHour, "Block Hour", "Drawn from the prepaid block"),
        (BillingClass.Project, "Project", "Billed with the project"),
        (BillingClass.NonBillable, "Non-billable", "Internal or warranty"),
    ];

    public static WebApplication MapEmbedEndpoints(this WebApplication app)
    {
        var embed = app.MapGroup("/embed").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        embed.MapGet("/close/{token}", async (string token, HttpContext http, EmbedClose.Handler handler, CancellationToken ct) =>
        {
            var view = await handler.ViewAsync(token, ct);
            return view is null ? Expired() : Page(http, view, token, error: null, closed: false);
        });

        embed.MapPost("/close/{token}", async (string token, HttpContext http, EmbedClose.Handler handler, CancellationToken ct) =>
        {
            // A body that is not a form (a script's JSON) chooses no class, as an empty form would; reading it as one threw (500).
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : FormCollection.Empty;
            BillingClass? chosen = Enum.TryParse<BillingClass>(form["billingClass"].ToString(), ignoreCase: true, out var c) && Enum.IsDefined(c) ? c : null;
            string? error = null;
            try
            {
                await handler.CloseAsync(token, chosen, ct);
            }
            catch (ValidationFailedException e)
            {
                error = string.Join(" ", e.Errors.SelectMany(x => x.Value));
            }
            catch (ConflictException e)
            {
                error = e.Message;
            }
            catch (NotFoundException)
            {
                return Expired();
            }

            var view = await handler.ViewAsync(token, ct);
            return view is null ? Expired() : Page(http, view, token, error, closed: error is null);
        });
        return app;
    }

    // Not framed: the tenant (and so its PSA's origin) is not known for a link that is not valid.
    private static IResult Expired() =>
        Results.Content(Shell("Link expired", "<p data-testid=\"embed-expired\">This link has expired or is not valid. Open the ticket again from your PSA to get a new one.</p>"),
            "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);

    private static IResult Page(HttpContext http, EmbedClose.View view, string token, string? error, bool closed)
    {
        SecurityHeaders.AllowFraming(http, view.AllowedOrigins);
        http.Response.Headers.CacheControl = "no-store";
        var h = HtmlEncoder.Default;
        var t = view.Ticket.Ticket;
        var minutes = view.Ticket.Entries.Sum(e => e.Minutes);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>#{t.Number} {h.Encode(t.Subject)}</h1><p class=\"muted\">{h.Encode(t.ClientName)}</p>");
        body.Append(CultureInfo.InvariantCulture, $"<p data-testid=\"embed-time\">Time affected: <b>{minutes / 60}:{minutes % 60:00}</b> in {view.Ticket.Entries.Count} {(view.Ticket.Entries.Count == 1 ? "entry" : "entries")}.</p>");
        if (closed || t.Status == TicketStatus.Closed)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"ok\" data-testid=\"embed-closed\">Closed as <b>{Label(t.BillingClass)}</b>. You can close this panel.</p>");
            return Results.Content(Shell($"Ticket #{t.Number}", body.ToString()), "text/html; charset=utf-8");
        }

        if (error is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" role=\"alert\" data-testid=\"close-error\">{h.Encode(error)}</p>");
        }

        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/embed/close/{h.Encode(token)}\"><fieldset data-testid=\"billing-class\"><legend>Billing class</legend>");
        foreach (var (cls, label, help) in Classes)
        {
            var id = cls.ToString().ToLowerInvariant();
            var extra = cls == BillingClass.BlockHour
                ? view.Ticket.BlockMinutesRemaining is { } left ? $" — {left / 60}:{left % 60:00} left in the block" : " — no prepaid block: all of it is overage"
                : "";
            body.Append(CultureInfo.InvariantCulture,
                $"<label><input type=\"radio\" name=\"billingClass\" value=\"{cls}\" data-testid=\"billing-class-option-{id}\"> <b>{label}</b> <span class=\"muted\">{h.Encode(help + extra)}</span></label>");
        }

        body.Append("</fieldset><button type=\"submit\" data-testid=\"confirm-close\">Close ticket</button></form>");
        return Results.Content(Shell($"Close ticket #{t.Number}", body.ToString()), "text/html; charset=utf-8");
    }

    private static string Label(BillingClass? cls) => Classes.FirstOrDefault(c => c.Class == cls).Label ?? "—";

    private static string Shell(string title, string body) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + $"<title>{HtmlEncoder.Default.Encode(title)} · Command Center</title><style>"
        + "body{font-family:Roboto,Helvetica,Arial,sans-serif;margin:16px;color:#212121}h1{font-size:1.25rem;margin:0 0 4px}"
        + ".muted{color:#616161}.error{color:#b71c1c;background:#fdecea;padding:8px;border-radius:4px}.ok{color:#1b5e20;background:#edf7ed;padding:8px;border-radius:4px}"
        + "fieldset{border:1px solid #e0e0e0;border-radius:4px;margin:12px 0}label{display:block;padding:6px 0}"
        + "button{background:#1e4f91;color:#fff;border:0;border-radius:4px;padding:8px 16px;font-size:.9rem;text-transform:uppercase;cursor:pointer}"
        + $"</style></head><body>{body}</body></html>";
}
