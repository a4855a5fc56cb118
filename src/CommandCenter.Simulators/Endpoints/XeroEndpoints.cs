using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>
/// Xero Accounting API (vendor-apis.md §8.2): OAuth authorization code (30-minute access tokens, rotating refresh
/// tokens), <c>GET /connections</c>, and with <c>xero-tenant-id</c>: <c>PUT /api.xro/2.0/Invoices</c> and
/// <c>/CreditNotes</c> (Idempotency-Key: same key → same answer, nothing created twice), <c>GET /Invoices</c>,
/// <c>/CreditNotes</c>, <c>/Contacts</c>, <c>/Items</c> (1-based pages with <c>pagination{}</c>). Dates are written
/// as <c>/Date(ms+0000)/</c>; validation errors as the 400 ValidationException envelope.
/// </summary>
internal static partial class XeroEndpoints
{
    public const string Vendor = "xero";
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public static void Map(RouteGroupBuilder group, SimulatorContext context)
    {
        var behavior = new Behavior();
        group.MapGet("/identity/connect/authorize", (HttpContext http) => Authorize(http, context));
        group.MapGet("/identity/connect/authorize/approve", (HttpContext http, OAuthAuthority authority) => Approve(http, authority));
        group.MapPost("/identity/connect/token", TokenAsync);
        group.MapGet("/connections", Connections);

        var api = group.MapGroup("/api.xro/2.0");
        api.MapPut("/Invoices", (HttpContext http, SimulatorWorld world) => CreateAsync(http, world, "ACCREC")).CloudVendor(behavior);
        api.MapPut("/CreditNotes", (HttpContext http, SimulatorWorld world) => CreateAsync(http, world, "ACCRECCREDIT")).CloudVendor(behavior);
        api.MapGet("/Invoices", (HttpContext http, SimulatorWorld world) => Documents(http, world, "ACCREC")).CloudVendor(behavior);
        api.MapGet("/CreditNotes", (HttpContext http, SimulatorWorld world) => Documents(http, world, "ACCRECCREDIT")).CloudVendor(behavior);
        api.MapGet("/Contacts", (HttpContext http, SimulatorWorld world) =>
            Page(http, "Contacts", world.Xero.Contacts.Where(c => Where(http, c.Contact)).Select(c => ContactJson(http, c.Id, c.Contact)))).CloudVendor(behavior);
        api.MapGet("/Items", (HttpContext http, SimulatorWorld world) =>
            Page(http, "Items", world.Xero.Items.Select(i => ItemJson(http, i.Id, i.Code, i.Item)))).CloudVendor(behavior);
        api.MapGet("/Organisation", (HttpContext http) => Envelope(http, "Organisations", new JsonArray(new JsonObject
        {
            ["OrganisationID"] = AccountingSimulatorCredentials.XeroTenantId,
            ["Name"] = AccountingSimulatorCredentials.XeroTenantName,
            ["BaseCurrency"] = "USD",
            ["CountryCode"] = "US",
        }))).CloudVendor(behavior);
    }

    /// <summary>Read-back for tests and the demo: <c>GET {prefix}/_world/xero/invoices|creditnotes</c>.</summary>
    public static void MapWorld(RouteGroupBuilder root)
    {
        root.MapGet("/_world/xero/invoices", (SimulatorWorld world) => Results.Json(world.Xero.Invoices.Select(Summary)));
        root.MapGet("/_world/xero/creditnotes", (SimulatorWorld world) => Results.Json(world.Xero.CreditNotes.Select(Summary)));
    }

    private static object Summary(CloudDocument d) => new { id = d.Id, number = d.Number, contactId = d.CustomerId, subTotal = d.Total, reference = d.Note, idempotencyKey = d.IdempotencyKey };

    // ---- OAuth -------------------------------------------------------------------------------------------------

    private static IResult Authorize(HttpContext http, SimulatorContext context) =>
        OAuthAuthority.Authorize(http.Request, AccountingSimulatorCredentials.XeroClientId,
            (error, message) => Results.Content($"<h1>Error: {error}</h1><p>{message}</p>", "text/html", statusCode: 400),
            scope => scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var scopes
                && scopes.Contains("offline_access") && scopes.Any(s => s.StartsWith("accounting.", StringComparison.Ordinal)),
            context.BaseUrl(http.Request) + "/xero/identity/connect/authorize/approve", "Xero", AccountingSimulatorCredentials.XeroTenantName);

    private static IResult Approve(HttpContext http, OAuthAuthority authority)
    {
        var q = http.Request.Query;
        var clientId = q["client_id"].ToString();
        var redirectUri = q["redirect_uri"].ToString();
        if (clientId != AccountingSimulatorCredentials.XeroClientId || !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            return Results.Content("<h1>Error: invalid_request</h1>", "text/html", statusCode: 400);
        }

        var code = authority.IssueCode(Vendor, clientId, redirectUri, AccountingSimulatorCredentials.XeroTenantId, q["scope"].ToString());
        return Results.Redirect(OAuthAuthority.RedirectTo(redirectUri,
            [new("code", code), new("scope", q["scope"].ToString()), new("state", q["state"].ToString()), new("session_state", Guid.NewGuid().ToString("N"))]));
    }

    private static async Task<IResult> TokenAsync(HttpContext http, OAuthAuthority authority, SimulatorTokens tokens, IOptions<SimulatorOptions> options)
    {
        if (!http.Request.HasFormContentType)
        {
            return OAuthError("invalid_request");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (clientId, secret) = OAuthAuthority.ClientOf(http.Request, form);
        if (clientId != AccountingSimulatorCredentials.XeroClientId || secret != AccountingSimulatorCredentials.XeroClientSecret)
        {
            return OAuthError("invalid_client");
        }

        var grantType = form["grant_type"].ToString();
        var grant = grantType switch
        {
            "authorization_code" => authority.RedeemCode(Vendor, form["code"].ToString(), clientId, form["redirect_uri"].ToString()),
            "refresh_token" => authority.Refresh(Vendor, form["refresh_token"].ToString(), clientId),
            _ => null,
        };
        if (grant is null)
        {
            return OAuthError(grantType is "authorization_code" or "refresh_token" ? "invalid_grant" : "unsupported_grant_type");
        }

        var lifetime = options.Value.XeroAccessTokenLifetime;
        var access = tokens.Issue(Vendor, grant.Subject, lifetime, prefix: "eyJxero.");
        return new SimJson(new JsonObject
        {
            ["id_token"] = "eyJidtoken.sim",
            ["access_token"] = access,
            ["expires_in"] = (int)lifetime.TotalSeconds,
            ["token_type"] = "Bearer",
            ["refresh_token"] = grant.RefreshToken,
            ["scope"] = grant.Scope,
        });
    }

    private static SimJson OAuthError(string error) => new(new JsonObject { ["error"] = error }, statusCode: 400);

    /// <summary>GET /connections: the organisations the token may use (the one demo organisation).</summary>
    private static IResult Connections(HttpContext http, SimulatorTokens tokens)
    {
        var (check, issued) = tokens.Check(Vendor, SimulatorTokens.Bearer(http.Request));
        if (check != TokenCheck.Valid)
        {
            return Problem(401, "Unauthorized", "AuthenticationUnsuccessful");
        }

        var now = Now(http).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
        return new SimJson(new JsonArray(new JsonObject
        {
            ["id"] = XeroData.Id("c0ffee00", 1).ToString(),
            ["authEventId"] = XeroData.Id("a0e7e000", 1).ToString(),
            ["tenantId"] = issued!.Subject,
            ["tenantType"] = "ORGANISATION",
            ["tenantName"] = AccountingSimulatorCredentials.XeroTenantName,
            ["createdDateUtc"] = now,
            ["updatedDateUtc"] = now,
        }));
    }

    // ---- Documents ---------------------------------------------------------------------------------------------

    private static async Task<IResult> CreateAsync(HttpContext http, SimulatorWorld world, string type)
    {
        var collection = type == "ACCREC" ? "Invoices" : "CreditNotes";
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        var items = body?[collection] as JsonArray ?? (body is not null && body.ContainsKey("Type") ? new JsonArray(body.DeepClone()) : null);
        if (items is null || items.Count == 0)
        {
            return new SimJson(new JsonObject
            {
                ["ErrorNumber"] = 14,
                ["Type"] = "PostDataInvalidException",
                ["Message"] = $"The required element '{collection}' is missing or the JSON is not valid.",
            }, statusCode: 400);
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;
        if (key is { Length: > 128 })
        {
            return Validation(http, [new JsonObject { ["ValidationErrors"] = Errors("Idempotency-Key must be 128 characters or fewer.") }]);
        }

        var data = world.Xero;
        var (status, answer) = data.CreateOnce(key is null ? null : $"{collection}|{key}", sequence => Build(http, data, type, items, sequence, key));
        return new SimJson(answer, statusCode: status);
    }

    private static (int, JsonObject, IReadOnlyList<CloudDocument>) Build(HttpContext http, XeroData data, string type, JsonArray items, int sequence, string? key)
    {
        var isInvoice = type == "ACCREC";
        var outputs = new List<JsonObject>();
        var documents = new List<CloudDocument>();
        var failed = false;
        foreach (var input in items.OfType<JsonObject>())
        {
            var errors = new List<string>();
            var (document, record) = BuildOne(http, data, type, input, sequence + documents.Count, key, errors, documents);
            if (errors.Count > 0)
            {
                failed = true;
                var echo = (JsonObject)input.DeepClone();
                echo["ValidationErrors"] = Errors([.. errors]);
                outputs.Add(echo);
            }
            else
            {
                outputs.Add(document!);
                documents.Add(record!);
            }
        }

        if (failed)
        {
            // summarizeErrors (default true here): nothing of the batch is created.
            return (400, ValidationBody(outputs), []);
        }

        var envelope = new JsonObject
        {
            ["Id"] = Guid.NewGuid().ToString(),
            ["Status"] = "OK",
            ["ProviderName"] = "Command Center",
            ["DateTimeUTC"] = MsDate(Now(http), withOffset: false),
            [isInvoice ? "Invoices" : "CreditNotes"] = new JsonArray([.. outputs]),
        };
        return (200, envelope, documents);
    }

    private static (JsonObject?, CloudDocument?) BuildOne(HttpContext http, XeroData data, string type, JsonObject input, int sequence, string? key, List<string> errors, List<CloudDocument> batch)
    {
        var isInvoice = type == "ACCREC";
        var givenType = input["Type"]?.ToString();
        if (givenType != type)
        {
            errors.Add(isInvoice ? "Invoice Type must be ACCREC or ACCPAY; only ACCREC is supported here." : "Credit Note Type must be ACCRECCREDIT or ACCPAYCREDIT; only ACCRECCREDIT is supported here.");
        }

        var contactId = input["Contact"]?["ContactID"]?.ToString();
        var contact = data.Contacts.FirstOrDefault(c => string.Equals(c.Id.ToString(), contactId, StringComparison.OrdinalIgnoreCase));
        if (contact.Contact is null)
        {
            errors.Add("The contact could not be found. ContactID: " + contactId);
        }

        var date = ParseDate(input["Date"], errors, "Date") ?? DateOnly.FromDateTime(Now(http).UtcDateTime);
        var dueDate = isInvoice ? ParseDate(input["DueDate"], errors, "DueDate") : null;
        var lineAmountTypes = input["LineAmountTypes"]?.ToString() ?? "Exclusive";
        if (lineAmountTypes is not ("Exclusive" or "Inclusive" or "NoTax"))
        {
            errors.Add("LineAmountTypes must be Exclusive, Inclusive or NoTax.");
        }

        var lines = new JsonArray();
        var subTotal = 0m;
        var n = 0;
        foreach (var line in (input["LineItems"] as JsonArray ?? []).OfType<JsonObject>())
        {
            n++;
            var quantity = Number(line["Quantity"]) ?? 1m;
            var unit = Number(line["UnitAmount"]);
            var given = Number(line["LineAmount"]);
            var code = line["ItemCode"]?.ToString();
            var item = data.Items.FirstOrDefault(i => i.Code == code);
            if (code is not null && item.Item is null)
            {
                errors.Add($"Item code '{code}' is not valid");
            }

            if (unit is null && given is null)
            {
                errors.Add("A line item must have a UnitAmount or a LineAmount.");
                continue;
            }

            if (unit is { } u && decimal.Round(u, 4) != u)
            {
                errors.Add("UnitAmount can have at most 4 decimal places.");
            }

            var computed = unit is { } unitAmount ? decimal.Round(quantity * unitAmount, 2, MidpointRounding.AwayFromZero) : given!.Value;
            if (given is { } g && g != computed)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"The line total {g} does not match the expected line total {computed}"));
            }

            subTotal += computed;
            var taxType = line["TaxType"]?.ToString() ?? (lineAmountTypes == "NoTax" ? "NONE" : item.Item?.Taxable == true ? "TAX" : "NONE");
            lines.Add(new JsonObject
            {
                ["LineItemID"] = XeroData.Id("11e00000", (sequence * 100) + n).ToString(),
                ["Description"] = line["Description"]?.ToString(),
                ["Quantity"] = quantity,
                ["UnitAmount"] = unit ?? computed,
                ["ItemCode"] = code,
                ["AccountCode"] = line["AccountCode"]?.ToString() ?? "200",
                ["TaxType"] = taxType,
                ["TaxAmount"] = 0.00m,
                ["LineAmount"] = computed,
                ["Tracking"] = new JsonArray(),
            });
        }

        if (n == 0)
        {
            errors.Add(isInvoice ? "An invoice must have at least one line item." : "A credit note must have at least one line item.");
        }

        if (subTotal < 0)
        {
            errors.Add(isInvoice ? "Invoice total cannot be negative; use a credit note." : "Credit note total cannot be negative.");
        }

        var numberField = isInvoice ? "InvoiceNumber" : "CreditNoteNumber";
        var number = input[numberField]?.ToString();
        if (string.IsNullOrEmpty(number))
        {
            number = (isInvoice ? "INV-" : "CN-") + sequence.ToString("0000", CultureInfo.InvariantCulture);
        }
        else if (number.Length > 255)
        {
            errors.Add($"{numberField} must be 255 characters or fewer.");
        }
        else if (data.NumberTaken(type, number) || batch.Any(d => d.Kind == type && d.Number == number))
        {
            errors.Add(isInvoice ? "Invoice # must be unique." : "Credit Note # must be unique.");
        }

        var reference = input["Reference"]?.ToString();
        if (reference is { Length: > 255 })
        {
            errors.Add("Reference must be 255 characters or fewer.");
        }

        if (errors.Count > 0)
        {
            return (null, null);
        }

        var id = XeroData.Id(isInvoice ? "243216c5" : "c4ed17e0", sequence).ToString();
        var now = Now(http);
        var dateInstant = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var document = new JsonObject
        {
            ["Type"] = type,
            [isInvoice ? "InvoiceID" : "CreditNoteID"] = id,
            [numberField] = number,
            ["Reference"] = reference,
            ["Contact"] = new JsonObject { ["ContactID"] = contact.Id.ToString(), ["Name"] = contact.Contact!.Name },
            ["Date"] = MsDate(dateInstant, withOffset: true),
            ["DateString"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00",
            ["Status"] = input["Status"]?.ToString() ?? "DRAFT",
            ["LineAmountTypes"] = lineAmountTypes,
            ["LineItems"] = lines,
            ["SubTotal"] = subTotal,
            ["TotalTax"] = 0.00m,
            ["Total"] = subTotal,
            ["CurrencyCode"] = input["CurrencyCode"]?.ToString() ?? "USD",
            ["UpdatedDateUTC"] = MsDate(now, withOffset: true),
            ["HasErrors"] = false,
        };
        if (isInvoice)
        {
            var due = dueDate ?? date;
            document["DueDate"] = MsDate(new DateTimeOffset(due.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), withOffset: true);
            document["DueDateString"] = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00";
            document["AmountDue"] = subTotal;
            document["AmountPaid"] = 0.00m;
        }
        else
        {
            document["RemainingCredit"] = subTotal;
        }

        return (document, new CloudDocument(type, id, number, contact.Id.ToString(), subTotal, reference, key, (JsonObject)document.DeepClone()));
    }

    [GeneratedRegex("^\\s*(?<field>InvoiceNumber|CreditNoteNumber|Reference|Name|ContactStatus)\\s*==\\s*\"(?<value>[^\"]*)\"\\s*$")]
    private static partial Regex WherePattern();

    private static IResult Documents(HttpContext http, SimulatorWorld world, string type)
    {
        var collection = type == "ACCREC" ? "Invoices" : "CreditNotes";
        var docs = type == "ACCREC" ? world.Xero.Invoices : world.Xero.CreditNotes;
        var numbers = http.Request.Query["InvoiceNumbers"].ToString();
        if (numbers.Length > 0)
        {
            var wanted = numbers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            docs = [.. docs.Where(d => wanted.Contains(d.Number))];
        }

        var where = http.Request.Query["where"].ToString();
        if (where.Length > 0)
        {
            var match = WherePattern().Match(where);
            if (!match.Success)
            {
                return Validation(http, [new JsonObject { ["ValidationErrors"] = Errors("The where clause is not supported by the simulator: " + where) }]);
            }

            var value = match.Groups["value"].Value;
            docs = match.Groups["field"].Value switch
            {
                "Reference" => [.. docs.Where(d => d.Note == value)],
                _ => [.. docs.Where(d => d.Number == value)],
            };
        }

        return Page(http, collection, docs.Select(d => (JsonObject)d.Payload.DeepClone()));
    }

    private static bool Where(HttpContext http, AccountingCustomer contact)
    {
        var where = http.Request.Query["where"].ToString();
        if (where.Length == 0)
        {
            return true;
        }

        var match = WherePattern().Match(where);
        return !match.Success || match.Groups["field"].Value switch
        {
            "ContactStatus" => (contact.Active ? "ACTIVE" : "ARCHIVED") == match.Groups["value"].Value,
            "Name" => contact.Name == match.Groups["value"].Value,
            _ => true,
        };
    }

    private static IResult Page(HttpContext http, string collection, IEnumerable<JsonObject> rows)
    {
        var query = http.Request.Query;
        var page = int.TryParse(query["page"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var pageSize = int.TryParse(query["pageSize"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? Math.Min(s, MaxPageSize) : DefaultPageSize;
        var all = rows.ToList();
        var pageRows = all.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        var body = Envelope(http, collection, new JsonArray([.. pageRows]));
        ((JsonObject)body.Payload)["pagination"] = new JsonObject
        {
            ["page"] = page,
            ["pageSize"] = pageSize,
            ["pageCount"] = (all.Count + pageSize - 1) / pageSize,
            ["itemCount"] = all.Count,
        };
        return body;
    }

    private static SimJson Envelope(HttpContext http, string collection, JsonArray rows) => new(new JsonObject
    {
        ["Id"] = Guid.NewGuid().ToString(),
        ["Status"] = "OK",
        ["ProviderName"] = "Command Center",
        ["DateTimeUTC"] = MsDate(Now(http), withOffset: false),
        [collection] = rows,
    });

    private static JsonObject ContactJson(HttpContext http, Guid id, AccountingCustomer c) => new()
    {
        ["ContactID"] = id.ToString(),
        ["ContactStatus"] = c.Active ? "ACTIVE" : "ARCHIVED",
        ["Name"] = c.Name,
        ["EmailAddress"] = c.Email ?? "",
        ["IsSupplier"] = false,
        ["IsCustomer"] = true,
        ["UpdatedDateUTC"] = MsDate(Now(http), withOffset: true),
    };

    private static JsonObject ItemJson(HttpContext http, Guid id, string code, AccountingItem i) => new()
    {
        ["ItemID"] = id.ToString(),
        ["Code"] = code,
        ["Name"] = i.Name,
        ["Description"] = i.Name,
        ["IsSold"] = true,
        ["IsPurchased"] = false,
        ["IsTrackedAsInventory"] = false,
        ["SalesDetails"] = new JsonObject { ["UnitPrice"] = i.UnitPrice, ["AccountCode"] = "200", ["TaxType"] = i.Taxable ? "TAX" : "NONE" },
        ["UpdatedDateUTC"] = MsDate(Now(http), withOffset: true),
    };

    // ---- Helpers -----------------------------------------------------------------------------------------------

    private static DateTimeOffset Now(HttpContext http) => http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>Microsoft JSON dates: <c>/Date(1743379200000+0000)/</c> (or without the offset, as DateTimeUTC is written).</summary>
    internal static string MsDate(DateTimeOffset instant, bool withOffset) =>
        $"/Date({instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}{(withOffset ? "+0000" : "")})/";

    private static DateOnly? ParseDate(JsonNode? node, List<string> errors, string field)
    {
        var text = node?.ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Length >= 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add($"{field} '{text}' is not a valid date (use YYYY-MM-DD).");
        return null;
    }

    private static decimal? Number(JsonNode? node) =>
        node is JsonValue v && (v.TryGetValue<decimal>(out var d) || (v.TryGetValue<string>(out var s) && decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out d)))
            ? d
            : null;

    private static JsonArray Errors(params string[] messages) => new([.. messages.Select(m => (JsonNode)new JsonObject { ["Message"] = m })]);

    private static JsonObject ValidationBody(IEnumerable<JsonObject> elements) => new()
    {
        ["ErrorNumber"] = 10,
        ["Type"] = "ValidationException",
        ["Message"] = "A validation exception occurred",
        ["Elements"] = new JsonArray([.. elements]),
    };

    private static SimJson Validation(HttpContext http, IEnumerable<JsonObject> elements) => new(ValidationBody(elements), statusCode: 400);

    private static SimJson Problem(int status, string title, string detail) => new(new JsonObject
    {
        ["Type"] = null,
        ["Title"] = title,
        ["Status"] = status,
        ["Detail"] = detail,
        ["Instance"] = Guid.NewGuid().ToString(),
        ["Extensions"] = new JsonObject(),
    }, statusCode: status);

    private sealed class Behavior : CloudVendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            var token = SimulatorTokens.Bearer(http.Request);
            var (check, issued) = Service<SimulatorTokens>(http).Check(Vendor, token);
            if (check != TokenCheck.Valid)
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Problem(401, "Unauthorized", check == TokenCheck.Expired ? "TokenExpired: token expired" : "AuthenticationUnsuccessful")
                    .WithHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
            }

            var tenant = http.Request.Headers["xero-tenant-id"].ToString();
            if (tenant.Length == 0 || !string.Equals(tenant, issued!.Subject, StringComparison.OrdinalIgnoreCase))
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Problem(403, "Forbidden", "AuthorizationUnsuccessful")));
            }

            return ValueTask.FromResult(AuthOutcome.Allow(token));
        }

        public override IResult ExpiredToken(HttpContext http, object? principal)
        {
            Service<SimulatorTokens>(http).Revoke(principal as string);
            return Problem(401, "Unauthorized", "TokenExpired: token expired");
        }

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            new SimJson(new JsonObject { ["Title"] = "Too Many Requests", ["Status"] = 429, ["Detail"] = "Rate limit exceeded" }, statusCode: 429)
                .WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))
                .WithHeader("X-Rate-Limit-Problem", "minute");

        public override IResult ServerError(HttpContext http) =>
            new SimJson(new JsonObject { ["ErrorNumber"] = 500, ["Type"] = "InternalServerError", ["Message"] = "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status." }, statusCode: 500);

        public override IResult Reject(HttpContext http) =>
            Validation(http, [new JsonObject { ["ValidationErrors"] = Errors("The simulator was told to reject this request.") }]);
    }
}
