using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace CommandCenter.Accounting.Conductor;

/// <summary>
/// QuickBooks Desktop through Conductor. Lists are read page after page with nothing in between (a cursor dies 10 s
/// after its answer). A document is created once — Conductor has no idempotency key, so it carries
/// <see cref="PostingDocument.ExternalGuid"/> as <c>externalId</c> and the idempotency key in its memo, and the caller
/// reads back with <see cref="FindAsync"/> (matched on externalId, never the number alone) before any retry.
/// Lines are sent with their exact amount (QuickBooks then ignores the rate), so the document's total is the preview's.
/// </summary>
internal sealed class ConductorTarget(IConductorApi api, IOptions<ConductorOptions> options) : IAccountingTarget
{
    private const string Name = "QuickBooks Desktop (Conductor)";
    private const int MaxRefNumberLength = 11;

    public async Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) =>
        await CallAsync("the health check", Use.Read, () => api.HealthCheck(endpoint, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var customers = await ReadAllAsync("customers", (limit, cursor) => api.ListCustomers(endpoint, limit, cursor, cursor is null ? "all" : null, cancellationToken), cancellationToken);
        return [.. customers
            .DistinctBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new ExternalCustomer(c.Id, FirstText(c.FullName, c.Name) ?? c.Id, c.IsActive ?? true, c.Email))];
    }

    public async Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken)
    {
        var items = await ReadAllAsync("service items", (limit, cursor) => api.ListServiceItems(endpoint, limit, cursor, cursor is null ? "all" : null, cancellationToken), cancellationToken);
        return [.. items
            .DistinctBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => new ExternalItem(
                i.Id,
                FirstText(i.FullName, i.Name) ?? i.Id,
                i.IsActive ?? true,
                "Service",
                i.SalesOrPurchaseDetails?.Price ?? i.SalesAndPurchaseDetails?.SalesPrice,
                FirstText(i.SalesOrPurchaseDetails?.PostingAccount?.FullName, i.SalesAndPurchaseDetails?.IncomeAccount?.FullName)))];
    }

    public async Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
    {
        var body = CreateBody(document);
        var what = document.Kind == DocumentKind.CreditMemo ? $"creating credit memo {document.Number}" : $"creating invoice {document.Number}";
        var created = await CallAsync(what, Use.Create,
            () => document.Kind == DocumentKind.CreditMemo
                ? api.CreateCreditMemo(endpoint, body, cancellationToken)
                : api.CreateInvoice(endpoint, body, cancellationToken),
            cancellationToken);
        if (string.IsNullOrEmpty(created?.Id))
        {
            // 2xx but no id: it may well exist; the caller reads back.
            throw new AccountingException($"{Name} answered {what} without a document id.");
        }

        return ToPosted(created);
    }

    public async Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
    {
        string[] refNumbers = [document.Number];
        string[] customerIds = [document.CustomerId];
        var what = document.Kind == DocumentKind.CreditMemo ? "credit memos" : "invoices";
        var found = await ReadAllAsync(what,
            (limit, cursor) => document.Kind == DocumentKind.CreditMemo
                ? api.ListCreditMemos(endpoint, cursor is null ? refNumbers : null, cursor is null ? customerIds : null, limit, cursor, cancellationToken)
                : api.ListInvoices(endpoint, cursor is null ? refNumbers : null, cursor is null ? customerIds : null, limit, cursor, cancellationToken),
            cancellationToken,
            Use.Find);
        var match = found.FirstOrDefault(t => Guid.TryParse(t.ExternalId, out var id) && id == document.ExternalGuid);
        return match is null ? null : ToPosted(match);
    }

    /// <summary>The create body: amounts as exact cent strings (they win over rate × quantity), rate ≤ 5 dp, quantity ≤ 5 dp.</summary>
    internal static CreateQbdTransaction CreateBody(PostingDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Number) || document.Number.Length > MaxRefNumberLength)
        {
            throw new AccountingRejectedException(
                $"Invoice number '{document.Number}' cannot be used: QuickBooks Desktop allows 1 to {MaxRefNumberLength} characters. Shorten the invoice prefix in the billing settings.");
        }

        if (string.IsNullOrWhiteSpace(document.CustomerId))
        {
            throw new AccountingRejectedException($"{document.CustomerName} is not mapped to a QuickBooks customer.");
        }

        var lines = new List<CreateQbdLine>(document.Lines.Count);
        foreach (var line in document.Lines)
        {
            if (decimal.Round(line.Amount, 2) != line.Amount)
            {
                throw new AccountingRejectedException($"Line '{line.Description}' has an amount ({line.Amount.ToString(CultureInfo.InvariantCulture)}) that is not whole cents.");
            }

            lines.Add(new CreateQbdLine(
                string.IsNullOrWhiteSpace(line.ItemId) ? null : line.ItemId,
                line.Description,
                decimal.Round(line.Quantity, 5, MidpointRounding.AwayFromZero),
                Rate(line.UnitPrice),
                line.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                line.ServiceDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return new CreateQbdTransaction(
            document.CustomerId,
            document.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            document.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            document.Number,
            Memo(document),
            document.ExternalGuid.ToString("D"),
            lines);
    }

    /// <summary>The memo (internal, shows in QuickBooks reports) ends with the idempotency key, so a person can trace a document back.</summary>
    internal static string Memo(PostingDocument document)
    {
        var key = $"[{document.IdempotencyKey}]";
        var memo = string.IsNullOrWhiteSpace(document.Memo) ? key : $"{document.Memo.Trim()} {key}";
        return memo.Length <= 4095 ? memo : memo[^4095..];
    }

    internal static string Rate(decimal unitPrice) =>
        decimal.Round(unitPrice, 5, MidpointRounding.AwayFromZero).ToString("0.00###", CultureInfo.InvariantCulture);

    private static PostedDocument ToPosted(QbdTransaction t) =>
        new(t.Id, t.RefNumber, t.Subtotal ?? t.TotalAmount ?? (t.Lines ?? []).Sum(l => l.Amount ?? 0m));

    private static string? FirstText(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <summary>Every page, back to back (the next page must be asked for within 10 s of the previous answer).</summary>
    private async Task<List<T>> ReadAllAsync<T>(string what, Func<int, string?, Task<ConductorList<T>>> readPage, CancellationToken cancellationToken, Use use = Use.Read)
    {
        var limit = Math.Clamp(options.Value.PageSize, 1, 150);
        var all = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        for (var number = 1; ; number++)
        {
            var current = cursor;
            var page = await CallAsync($"listing {what} (page {number})", use, () => readPage(limit, current), cancellationToken);
            if (page?.Data is null)
            {
                throw new AccountingException($"{Name} answered listing {what} (page {number}) without a data list.");
            }

            all.AddRange(page.Data);
            if (!page.HasMore || string.IsNullOrEmpty(page.NextCursor))
            {
                return all;
            }

            if (!seen.Add(page.NextCursor))
            {
                throw new AccountingException($"{Name} repeated a paging cursor while listing {what} (page {number}).");
            }

            cursor = page.NextCursor;
        }
    }

    internal enum Use
    {
        /// <summary>Checks and lists: refusals are <see cref="AccountingRejectedException"/> (nothing to undo either way).</summary>
        Read = 0,

        /// <summary>A create: only a definite refusal is a rejection; anything else is uncertain.</summary>
        Create = 1,

        /// <summary>The read-back: every failure is a plain <see cref="AccountingException"/> ("cannot tell").</summary>
        Find = 2,
    }

    private static async Task<T> CallAsync<T>(string what, Use use, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (Translate(what, use, exception, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Conductor's error envelope → an exception in words an operator can act on. QuickBooks or Conductor refusing the
    /// request (INTEGRATION_ERROR, INVALID_REQUEST_ERROR, AUTHENTICATION_ERROR, PERMISSION_ERROR) and QuickBooks not
    /// reachable (INTEGRATION_CONNECTION_ERROR: the request never reached the company file) created nothing; 5xx,
    /// timeouts and transport errors leave the outcome of a create unknown. Caller cancellation passes through.
    /// </summary>
    internal static AccountingException? Translate(string what, Use use, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        AccountingException result;
        if (exception is AccountingException accounting)
        {
            result = accounting;
        }
        else if (exception is ApiException api)
        {
            result = FromResponse(what, use, api);
        }
        else
        {
            result = FromTransport(what, use, exception);
        }

        return use == Use.Find && result is AccountingRejectedException
            ? new AccountingException(result.Message, result) { StatusCode = result.StatusCode, Code = result.Code }
            : ReferenceEquals(result, exception) ? null : result;
    }

    private static AccountingException FromResponse(string what, Use use, ApiException api)
    {
        if (api.InnerException is JsonException)
        {
            return new AccountingException(
                $"{Name} returned malformed JSON on {what}." + (use == Use.Create ? " The document may or may not have been created; it is checked before any retry." : ""), api);
        }

        var status = (int)api.StatusCode;
        var error = ParseError(api.Content);
        var words = error is null
            ? null
            : FirstText(error.UserFacingMessage, error.Message) + (error.IntegrationCode is { Length: > 0 } code ? $" (QuickBooks code {code})" : "");
        var type = error?.Type?.ToUpperInvariant();
        var suffix = words is null ? "" : $": {words}";
        var requestId = error?.RequestId is { Length: > 0 } id ? $" [request {id}]" : "";

        AccountingException Rejected(string message) => new AccountingRejectedException(message + requestId, api) { StatusCode = status, Code = error?.Code };

        switch (type)
        {
            case "INTEGRATION_ERROR":
                return Rejected($"QuickBooks Desktop refused {what}{suffix}");
            case "INVALID_REQUEST_ERROR":
                return Rejected($"Conductor refused {what} as invalid{suffix}");
            case "AUTHENTICATION_ERROR":
                return Rejected($"Conductor did not accept the secret key ({what}){suffix} Check the secret key in the accounting settings.");
            case "PERMISSION_ERROR":
                return Rejected($"Conductor denied access ({what}){suffix}");
            case "INTEGRATION_CONNECTION_ERROR":
                return Rejected(
                    $"QuickBooks Desktop could not be reached ({what}); nothing was sent to QuickBooks. Open QuickBooks Desktop with the company file on the QuickBooks computer (and the Web Connector), then try again.{(words is null ? "" : " Conductor said: " + words)}");
        }

        // No (known) envelope: a client error other than timeout/conflict/rate limit means the request was refused.
        var definite = error is null && status is >= 400 and < 500 and not (408 or 409 or 429);
        var message = $"{Name} answered {Describe(api.StatusCode)} on {what}{suffix}"
            + (use == Use.Create && !definite ? " — the document may or may not have been created; it is checked before any retry." : "");
        return definite
            ? Rejected($"{Name} answered {Describe(api.StatusCode)} on {what}{suffix}")
            : new AccountingException(message + requestId, api) { StatusCode = status, Code = error?.Code };
    }

    private static AccountingException FromTransport(string what, Use use, Exception exception)
    {
        var uncertain = use == Use.Create ? " The document may or may not have been created; it is checked before any retry." : "";
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AccountingException accounting:
                    return accounting;
                case TimeoutRejectedException timeout:
                    return new AccountingException(string.Create(CultureInfo.InvariantCulture,
                        $"{Name} did not answer {what} within {timeout.Timeout.TotalSeconds:0.#} s.{uncertain}"), exception);
                case BrokenCircuitException:
                    return new AccountingException($"{Name} failed repeatedly, so calls are paused for a while — {what} was not sent.", exception);
                case JsonException:
                    return new AccountingException($"{Name} returned malformed JSON on {what}.{uncertain}", exception);
                case HttpRequestException http:
                    return new AccountingException($"{Name} could not be reached for {what}: {http.Message}.{uncertain}", exception);
            }
        }

        return exception is OperationCanceledException
            ? new AccountingException($"{Name} did not answer {what} in time.{uncertain}", exception)
            : new AccountingException($"{Name}: {what} failed: {exception.Message}.{uncertain}", exception);
    }

    internal static ConductorError? ParseError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || !body.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ConductorErrorEnvelope>(body, ConductorJson.Options)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpStatusCode status) => string.Create(CultureInfo.InvariantCulture, $"{(int)status} {status}");
}
