using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>
/// Conductor's QuickBooks Desktop API (vendor-apis.md §6): static bearer secret key plus the <c>Conductor-End-User-Id</c>
/// header, cursor paging (<c>limit</c> ≤ 150, the cursor dies 10 s after the answer), money as decimal strings, the
/// <c>{ error: { … } }</c> envelope, no idempotency on creates, and one request at a time per end user (QuickBooks
/// Desktop works serially).
/// </summary>
internal static class ConductorEndpoints
{
    public const string Vendor = "conductor";
    public const string EndUserHeader = "Conductor-End-User-Id";
    public const int MaxLimit = 150;
    private const string Base = "/v1/quickbooks-desktop";

    public static void Map(RouteGroupBuilder group)
    {
        var behavior = new Behavior();
        var qbd = group.MapGroup(Base);
        qbd.AddEndpointFilter(new VendorFilter(behavior, tokenEndpoint: false, authenticate: true));
        qbd.AddEndpointFilter<SerialFilter>();

        qbd.MapGet("/health-check", () => new SimJson(new { duration = 212.5, status = "ok" }));
        qbd.MapGet("/customers", (HttpContext http, SimulatorWorld world) =>
        {
            var query = http.Request.Query;
            if (!TryStatus(query, out var status))
            {
                return InvalidRequest("Invalid value for `status`: expected one of active, inactive, all.");
            }

            var ids = Multi(query, "ids");
            var fullNames = Multi(query, "fullNames");
            var nameContains = query["nameContains"].ToString();
            return Page(http, world, "/customers", () => world.Conductor.Customers.Where(c =>
                MatchesStatus(c.IsActive, status)
                && (ids.Count == 0 || ids.Contains(c.Id))
                && (fullNames.Count == 0 || fullNames.Contains(c.FullName, StringComparer.OrdinalIgnoreCase))
                && (nameContains.Length == 0 || c.Name.Contains(nameContains, StringComparison.OrdinalIgnoreCase))).Cast<object>());
        });
        qbd.MapGet("/customers/{id}", (string id, SimulatorWorld world) =>
            world.Conductor.FindCustomer(id) is { } customer ? new SimJson(customer) : Missing("customer", id));
        qbd.MapGet("/service-items", (HttpContext http, SimulatorWorld world) =>
        {
            var query = http.Request.Query;
            if (!TryStatus(query, out var status))
            {
                return InvalidRequest("Invalid value for `status`: expected one of active, inactive, all.");
            }

            var ids = Multi(query, "ids");
            var fullNames = Multi(query, "fullNames");
            return Page(http, world, "/service-items", () => world.Conductor.Items.Where(i =>
                MatchesStatus(i.IsActive, status)
                && (ids.Count == 0 || ids.Contains(i.Id))
                && (fullNames.Count == 0 || fullNames.Contains(i.FullName, StringComparer.OrdinalIgnoreCase))).Cast<object>());
        });
        qbd.MapGet("/service-items/{id}", (string id, SimulatorWorld world) =>
            world.Conductor.FindItem(id) is { } item ? new SimJson(item) : Missing("service item", id));

        MapTransactions(qbd, "/invoices", ConductorTransaction.Invoice, "Invoice");
        MapTransactions(qbd, "/credit-memos", ConductorTransaction.CreditMemo, "CreditMemo");
    }

    private static void MapTransactions(RouteGroupBuilder qbd, string path, string objectType, string qbName)
    {
        qbd.MapPost(path, (HttpContext http, SimulatorWorld world) => CreateAsync(http, world, objectType, qbName));
        qbd.MapGet(path, (HttpContext http, SimulatorWorld world) =>
        {
            var query = http.Request.Query;
            var ids = Multi(query, "ids");
            var refNumbers = Multi(query, "refNumbers");
            var customerIds = Multi(query, "customerIds");
            if (!TryDate(query["transactionDateFrom"], out var from) || !TryDate(query["transactionDateTo"], out var to))
            {
                return InvalidRequest("Invalid date for `transactionDateFrom`/`transactionDateTo`: expected YYYY-MM-DD.");
            }

            return Page(http, world, path, () => world.Conductor.Transactions.Where(t =>
                t.ObjectType == objectType
                && (ids.Count == 0 || ids.Contains(t.Id))
                && (refNumbers.Count == 0 || (t.RefNumber is { } r && refNumbers.Contains(r, StringComparer.OrdinalIgnoreCase)))
                && (customerIds.Count == 0 || customerIds.Contains(t.Customer.Id))
                && (from is null || t.TransactionDate >= from)
                && (to is null || t.TransactionDate <= to)).Select(Wire));
        });
        qbd.MapGet(path + "/{id}", (string id, SimulatorWorld world) =>
            world.Conductor.Transactions.FirstOrDefault(t => t.ObjectType == objectType && t.Id == id) is { } t
                ? new SimJson(Wire(t))
                : Missing(qbName == "Invoice" ? "invoice" : "credit memo", id));
    }

    /// <summary>
    /// Validates like Conductor (request shape first: INVALID_REQUEST_ERROR), then like QuickBooks (references and
    /// accounting rules: INTEGRATION_ERROR with the QBD status code). Posting the same externalId twice creates two
    /// documents, as the real API does.
    /// </summary>
    private static async Task<IResult> CreateAsync(HttpContext http, SimulatorWorld world, string objectType, string qbName)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return InvalidRequest("The request body is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return InvalidRequest("The request body must be a JSON object.");
            }

            if (!TryString(root, "customerId", out var customerId) || string.IsNullOrEmpty(customerId))
            {
                return InvalidRequest("Missing required parameter: `customerId`.");
            }

            if (!TryString(root, "transactionDate", out var dateText) || !TryDate(dateText, out var transactionDate) || transactionDate is null)
            {
                return InvalidRequest("Missing or invalid required parameter `transactionDate`: expected YYYY-MM-DD.");
            }

            if (!TryString(root, "dueDate", out var dueText) || !TryDate(dueText, out var dueDate))
            {
                return InvalidRequest("Invalid value for `dueDate`: expected YYYY-MM-DD.");
            }

            if (!TryString(root, "refNumber", out var refNumber) || refNumber is { Length: > 11 })
            {
                return InvalidRequest("Invalid value for `refNumber`: it must be a string of at most 11 characters.");
            }

            if (!TryString(root, "memo", out var memo) || memo is { Length: > 4095 })
            {
                return InvalidRequest("Invalid value for `memo`: it must be a string of at most 4095 characters.");
            }

            if (!TryString(root, "externalId", out var externalId) || (externalId is not null && !Guid.TryParse(externalId, out _)))
            {
                return InvalidRequest("Invalid value for `externalId`: it must be a GUID (e.g. 3f2b8c1e-9a7d-4e5f-8b6a-1c2d3e4f5a6b).");
            }

            var parsed = new List<(string? ItemId, string? Description, decimal? Quantity, decimal? Rate, decimal Amount, DateOnly? ServiceDate)>();
            if (root.TryGetProperty("lines", out var lines) && lines.ValueKind != JsonValueKind.Null)
            {
                if (lines.ValueKind != JsonValueKind.Array)
                {
                    return InvalidRequest("Invalid value for `lines`: expected an array.");
                }

                var index = 0;
                foreach (var line in lines.EnumerateArray())
                {
                    var at = $"lines[{index++}]";
                    if (line.ValueKind != JsonValueKind.Object)
                    {
                        return InvalidRequest($"Invalid value for `{at}`: expected an object.");
                    }

                    if (!TryString(line, "itemId", out var itemId) || !TryString(line, "description", out var description)
                        || !TryString(line, "serviceDate", out var serviceText) || !TryDate(serviceText, out var serviceDate))
                    {
                        return InvalidRequest($"Invalid value in `{at}`: itemId and description must be strings, serviceDate YYYY-MM-DD.");
                    }

                    decimal? quantity = null;
                    if (line.TryGetProperty("quantity", out var q) && q.ValueKind != JsonValueKind.Null)
                    {
                        if (q.ValueKind != JsonValueKind.Number)
                        {
                            return InvalidRequest($"Invalid value for `{at}.quantity`: expected a number.");
                        }

                        quantity = q.GetDecimal();
                    }

                    if (!TryMoney(line, "rate", 5, out var rate))
                    {
                        return InvalidRequest($"Invalid value for `{at}.rate`: expected a decimal string with at most 5 decimal places (e.g. \"25.00\").");
                    }

                    if (!TryMoney(line, "amount", 2, out var amount))
                    {
                        return InvalidRequest($"Invalid value for `{at}.amount`: expected a decimal string with at most 2 decimal places (e.g. \"1250.00\").");
                    }

                    // QuickBooks: when both are given the amount wins (rate is ignored for the amount).
                    var lineAmount = amount ?? Math.Round((quantity ?? 1m) * (rate ?? 0m), 2, MidpointRounding.AwayFromZero);
                    parsed.Add((itemId, description, quantity, rate, lineAmount, serviceDate));
                }
            }

            var conductor = world.Conductor;
            if (conductor.FindCustomer(customerId) is not { } customer)
            {
                return IntegrationError("3140", $"There is an invalid reference to QuickBooks Customer \"{customerId}\" in the {qbName}. QuickBooks error message: Invalid argument. The specified record does not exist in the list.",
                    $"The customer specified for this {Words(qbName)} does not exist in QuickBooks Desktop.");
            }

            var resolved = new List<(ConductorRef? Item, string? Description, decimal? Quantity, decimal? Rate, decimal Amount, DateOnly? ServiceDate)>();
            foreach (var line in parsed)
            {
                ConductorRef? item = null;
                if (line.ItemId is not null)
                {
                    if (conductor.FindItem(line.ItemId) is not { } found)
                    {
                        return IntegrationError("3140", $"There is an invalid reference to QuickBooks Item \"{line.ItemId}\" in the {qbName} line. QuickBooks error message: Invalid argument. The specified record does not exist in the list.",
                            $"An item on this {Words(qbName)} does not exist in QuickBooks Desktop.");
                    }

                    if (!found.IsActive)
                    {
                        return IntegrationError("3240", $"Object \"{found.Id}\" specified in the request is inactive.", $"The item \"{found.FullName}\" is inactive in QuickBooks Desktop.");
                    }

                    item = new ConductorRef(found.Id, found.FullName);
                }

                resolved.Add((item, line.Description, line.Quantity, line.Rate, line.Amount, line.ServiceDate));
            }

            if (resolved.Sum(l => l.Amount) < 0)
            {
                return IntegrationError("3180", $"There was an error when saving a {qbName}. QuickBooks error message: The total of the transaction cannot be negative.",
                    $"QuickBooks Desktop does not accept a {Words(qbName)} with a negative total.");
            }

            var options = http.RequestServices.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            if (options.AccountingLatencyMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.AccountingLatencyMs), http.RequestServices.GetRequiredService<TimeProvider>(), http.RequestAborted);
            }

            var created = conductor.Add(objectType, externalId, new ConductorRef(customer.Id, customer.FullName), refNumber, transactionDate.Value, dueDate, memo, resolved);
            return new SimJson(Wire(created));
        }
    }

    private static string Words(string qbName) => qbName == "Invoice" ? "invoice" : "credit memo";

    /// <summary>The wire shape of an invoice (<c>qbd_invoice</c>) or credit memo (<c>qbd_credit_memo</c>, with totalAmount and creditRemaining).</summary>
    internal static object Wire(ConductorTransaction t)
    {
        var stamp = t.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var revision = t.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var lineType = t.ObjectType == ConductorTransaction.Invoice ? "qbd_invoice_line" : "qbd_credit_memo_line";
        var lines = t.Lines.Select(l => new
        {
            id = l.Id,
            objectType = lineType,
            item = l.Item,
            description = l.Description,
            quantity = l.Quantity,
            rate = l.Rate is { } rate ? Money(rate) : null,
            amount = Money(l.Amount),
            serviceDate = l.ServiceDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }).ToList();
        var subtotal = Money(t.Subtotal);
        var date = t.TransactionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var due = t.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return t.ObjectType == ConductorTransaction.Invoice
            ? new
            {
                id = t.Id, objectType = t.ObjectType, createdAt = stamp, updatedAt = stamp, revisionNumber = revision,
                customer = t.Customer, refNumber = t.RefNumber, transactionDate = date, dueDate = due, memo = t.Memo,
                subtotal, salesTaxPercentage = (string?)null, salesTaxTotal = "0.00", appliedAmount = "0.00", balanceRemaining = subtotal,
                isPaid = false, isPending = false, externalId = t.ExternalId, lines, linkedTransactions = Array.Empty<object>(), customFields = Array.Empty<object>(),
            }
            : new
            {
                id = t.Id, objectType = t.ObjectType, createdAt = stamp, updatedAt = stamp, revisionNumber = revision,
                customer = t.Customer, refNumber = t.RefNumber, transactionDate = date, dueDate = due, memo = t.Memo,
                subtotal, salesTaxPercentage = (string?)null, salesTaxTotal = "0.00", totalAmount = subtotal, creditRemaining = subtotal,
                isPaid = (bool?)null, isPending = false, externalId = t.ExternalId, lines, linkedTransactions = Array.Empty<object>(), customFields = Array.Empty<object>(),
            };
    }

    /// <summary>Money as Conductor writes it: a string with at least two decimals ("25.00", "0.33333").</summary>
    private static string Money(decimal value)
    {
        var text = value.ToString("0.00###", CultureInfo.InvariantCulture);
        return text;
    }

    /// <summary>
    /// Cursor paging: the first request snapshots the filtered list; <c>nextCursor</c> (single use) continues it, and
    /// dies <see cref="ConductorData.CursorLifetime"/> after this answer.
    /// </summary>
    private static IResult Page(HttpContext http, SimulatorWorld world, string path, Func<IEnumerable<object>> source)
    {
        var query = http.Request.Query;
        var limit = MaxLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return InvalidRequest($"Invalid value for `limit`: it must be an integer between 1 and {MaxLimit}.");
        }

        var endUser = http.Request.Headers[EndUserHeader].ToString();
        IReadOnlyList<object> items;
        var offset = 0;
        if (query["cursor"].ToString() is { Length: > 0 } cursor)
        {
            switch (world.Conductor.TakeCursor(cursor, endUser, path, out var state))
            {
                case CursorOutcome.Expired:
                    return InvalidRequest(
                        "The cursor has expired. QuickBooks Desktop keeps a cursor alive for 10 seconds after a response; request the next page sooner, or start again without `cursor`.",
                        code: "CURSOR_EXPIRED");
                case CursorOutcome.Unknown:
                    return InvalidRequest("The cursor is invalid or was already used.", code: "CURSOR_INVALID");
            }

            items = state!.Items;
            offset = state.Offset;
        }
        else
        {
            items = [.. source()];
        }

        var page = items.Skip(offset).Take(limit).ToList();
        var remaining = items.Count - offset - page.Count;
        var next = remaining > 0 ? world.Conductor.NewCursor(items, offset + page.Count, endUser, path) : null;
        return new SimJson(
            new { objectType = "list", url = "/v1/quickbooks-desktop" + path, data = page, nextCursor = next, hasMore = remaining > 0, remainingCount = remaining },
            emptyPage: new { objectType = "list", url = "/v1/quickbooks-desktop" + path, data = Array.Empty<object>(), nextCursor = (string?)null, hasMore = false, remainingCount = 0 });
    }

    private static bool TryStatus(IQueryCollection query, out string status)
    {
        status = query["status"].ToString() is { Length: > 0 } s ? s.ToLowerInvariant() : "active";
        return status is "active" or "inactive" or "all";
    }

    private static bool MatchesStatus(bool active, string status) => status switch
    {
        "all" => true,
        "inactive" => !active,
        _ => active,
    };

    /// <summary>An array filter sent either repeated (<c>a=1&amp;a=2</c>, also <c>a[]=…</c>) or comma-joined (<c>a=1,2</c>).</summary>
    internal static List<string> Multi(IQueryCollection query, string name)
    {
        var values = new List<string>();
        foreach (var key in new[] { name, name + "[]" })
        {
            foreach (var value in query[key])
            {
                values.AddRange((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return values;
    }

    private static bool TryDate(StringValues text, out DateOnly? date) => TryDate(text.ToString(), out date);

    private static bool TryDate(string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }

    /// <summary>An optional string property (false when present but not a string).</summary>
    private static bool TryString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = property.GetString();
        return true;
    }

    /// <summary>An optional money property: a decimal string (a JSON number is refused, as Conductor's schema does).</summary>
    private static bool TryMoney(JsonElement element, string name, int maxDecimals, out decimal? value)
    {
        value = null;
        if (!TryString(element, name, out var text))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            || parsed.Scale > maxDecimals)
        {
            return false;
        }

        value = parsed;
        return true;
    }

    internal static SimJson Error(int status, string type, string code, string message, string userFacingMessage, string? integrationCode = null) =>
        new(new
        {
            error = new
            {
                message,
                userFacingMessage,
                type,
                code,
                httpStatusCode = status,
                integrationCode,
                requestId = "req_" + Guid.NewGuid().ToString("N")[..14],
            },
        }, statusCode: status);

    private static SimJson InvalidRequest(string message, string code = "INVALID_REQUEST") =>
        Error(400, "INVALID_REQUEST_ERROR", code, message, "The request to QuickBooks Desktop was invalid: " + message);

    private static SimJson IntegrationError(string integrationCode, string message, string userFacingMessage) =>
        Error(400, "INTEGRATION_ERROR", "QBD_REQUEST_ERROR", $"QBD Request Error ({integrationCode}): {message}", userFacingMessage, integrationCode);

    private static SimJson Missing(string what, string id) =>
        Error(404, "INVALID_REQUEST_ERROR", "RESOURCE_MISSING", $"No such {what}: '{id}'", $"The {what} was not found in QuickBooks Desktop.");

    /// <summary>
    /// One request at a time per end user (QuickBooks Desktop is single-threaded per company file), the <c>reject</c>
    /// fault (nothing created) and the <c>commit-timeout</c> fault (created, then the answer is held back).
    /// </summary>
    private sealed class SerialFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var fault = http.Items.TryGetValue(VendorBehavior.FaultKey, out var f) ? f as FaultSpec : null;
            if (fault?.Kind == FaultKind.Reject)
            {
                return IntegrationError("3180", "There was an error when saving a transaction. QuickBooks error message: The document was rejected by QuickBooks (simulated).",
                    "QuickBooks Desktop rejected this document (simulated rejection). Nothing was created.");
            }

            var world = http.RequestServices.GetRequiredService<SimulatorWorld>();
            var gate = world.Conductor.Gate(http.Request.Headers[EndUserHeader].ToString());
            object? result;
            try
            {
                await gate.WaitAsync(http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }

            try
            {
                result = await next(context);
            }
            finally
            {
                gate.Release();
            }

            if (fault?.Kind == FaultKind.CommitTimeout)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(fault.DelaySeconds), http.RequestServices.GetRequiredService<TimeProvider>(), http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up after the document was committed: exactly the case the read-back exists for.
                    return Results.Empty;
                }
            }

            return result;
        }
    }

    private sealed class Behavior : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
                || !header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
                || header.Parameter != AccountingSimulatorCredentials.ConductorSecretKey)
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Unauthorized()));
            }

            var endUser = http.Request.Headers[EndUserHeader].ToString();
            if (endUser.Length == 0)
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Error(400, "INVALID_REQUEST_ERROR", "MISSING_END_USER_ID",
                    $"Missing the `{EndUserHeader}` header: every QuickBooks Desktop request must name the end user (company file).",
                    "The QuickBooks Desktop company is not specified.")));
            }

            if (endUser != ConductorData.EndUserId)
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Error(404, "INVALID_REQUEST_ERROR", "RESOURCE_MISSING",
                    $"No such end user: '{endUser}'. Check the `{EndUserHeader}` header.",
                    "The QuickBooks Desktop company (Conductor end user) was not found.")));
            }

            var world = Service<SimulatorWorld>(http);
            if (!world.Conductor.QuickBooksOpen)
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Error(502, "INTEGRATION_CONNECTION_ERROR", "QBD_CONNECTION_ERROR",
                    "QBD Connection Error (0x80040408): Could not start QuickBooks.",
                    "We could not connect to QuickBooks Desktop. Make sure QuickBooks Desktop is open on the computer with the Web Connector, and try again.",
                    "0x80040408")));
            }

            return ValueTask.FromResult(AuthOutcome.Allow(endUser));
        }

        public override IResult ExpiredToken(HttpContext http, object? principal) => Unauthorized();

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            Error(429, "RATE_LIMIT_ERROR", "TOO_MANY_REQUESTS", "Too many requests. Slow down.", "QuickBooks Desktop is busy; try again shortly.")
                .WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) =>
            Error(500, "INTERNAL_ERROR", "INTERNAL_SERVER_ERROR", "An internal server error occurred. Please try again later.",
                "An internal error occurred at Conductor. Please try again later.");

        private static SimJson Unauthorized() =>
            Error(401, "AUTHENTICATION_ERROR", "API_KEY_INVALID", "Invalid API key provided.",
                "The Conductor secret key is invalid. Check the key in the connection settings.");
    }
}
