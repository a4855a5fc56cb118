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
/// QuickBooks Online Accounting API (vendor-apis.md §8.1): OAuth authorization code with rotating refresh tokens,
/// <c>POST /v3/company/{realmId}/invoice|creditmemo?minorversion=75&amp;requestid=…</c> (same requestid → the original
/// answer, nothing created twice; Amount must equal Qty × UnitPrice to the cent), and the SQL-ish
/// <c>GET /v3/company/{realmId}/query</c> with STARTPOSITION / MAXRESULTS.
/// </summary>
internal static partial class QboEndpoints
{
    public const string Vendor = "qbo";
    private const int MaxResultsLimit = 1000;
    private static readonly TimeSpan IntuitOffset = TimeSpan.FromHours(-7);

    public static void Map(RouteGroupBuilder group, SimulatorContext context)
    {
        var behavior = new Behavior();
        group.MapGet("/connect/oauth2", (HttpContext http) => Authorize(http, context));
        group.MapGet("/connect/oauth2/approve", (HttpContext http, OAuthAuthority authority) => Approve(http, authority));
        group.MapPost("/oauth2/v1/tokens/bearer", TokenAsync);

        var company = group.MapGroup("/v3/company/{realmId}");
        company.MapPost("/invoice", (HttpContext http, SimulatorWorld world) => CreateAsync(http, world, "Invoice")).CloudVendor(behavior);
        company.MapPost("/creditmemo", (HttpContext http, SimulatorWorld world) => CreateAsync(http, world, "CreditMemo")).CloudVendor(behavior);
        company.MapGet("/query", (HttpContext http, SimulatorWorld world) => Query(http, world)).CloudVendor(behavior);
        company.MapGet("/companyinfo/{id}", (string realmId, HttpContext http) => Json(http, new JsonObject
        {
            ["CompanyInfo"] = new JsonObject
            {
                ["Id"] = "1",
                ["CompanyName"] = AccountingSimulatorCredentials.QboCompanyName,
                ["Country"] = "US",
                ["domain"] = "QBO",
            },
        })).CloudVendor(behavior);
    }

    /// <summary>Read-back for tests and the demo: <c>GET {prefix}/_world/qbo/invoices|creditmemos</c>.</summary>
    public static void MapWorld(RouteGroupBuilder root)
    {
        root.MapGet("/_world/qbo/invoices", (SimulatorWorld world) => Results.Json(world.Qbo.Invoices.Select(Summary)));
        root.MapGet("/_world/qbo/creditmemos", (SimulatorWorld world) => Results.Json(world.Qbo.CreditMemos.Select(Summary)));
    }

    private static object Summary(CloudDocument d) => new { id = d.Id, docNumber = d.Number, customerId = d.CustomerId, totalAmt = d.Total, privateNote = d.Note, requestId = d.IdempotencyKey };

    // ---- OAuth -------------------------------------------------------------------------------------------------

    private static IResult Authorize(HttpContext http, SimulatorContext context) =>
        OAuthAuthority.Authorize(http.Request, AccountingSimulatorCredentials.QboClientId,
            (_, message) => Results.Content($"<h1>{message}</h1>", "text/html", statusCode: 400),
            scope => scope.Split(' ').Contains(AccountingSimulatorCredentials.QboScope),
            context.BaseUrl(http.Request) + "/qbo/connect/oauth2/approve", "QuickBooks Online", AccountingSimulatorCredentials.QboCompanyName);

    private static IResult Approve(HttpContext http, OAuthAuthority authority)
    {
        var q = http.Request.Query;
        var clientId = q["client_id"].ToString();
        var redirectUri = q["redirect_uri"].ToString();
        if (clientId != AccountingSimulatorCredentials.QboClientId || !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            return Results.Content("<h1>Invalid request</h1>", "text/html", statusCode: 400);
        }

        var code = authority.IssueCode(Vendor, clientId, redirectUri, AccountingSimulatorCredentials.QboRealmId, q["scope"].ToString());
        return Results.Redirect(OAuthAuthority.RedirectTo(redirectUri,
            [new("code", code), new("state", q["state"].ToString()), new("realmId", AccountingSimulatorCredentials.QboRealmId)]));
    }

    private static async Task<IResult> TokenAsync(HttpContext http, OAuthAuthority authority, SimulatorTokens tokens, IOptions<SimulatorOptions> options)
    {
        if (!http.Request.HasFormContentType)
        {
            return OAuthError("invalid_request", 400);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (clientId, secret) = OAuthAuthority.ClientOf(http.Request, form);
        if (clientId != AccountingSimulatorCredentials.QboClientId || secret != AccountingSimulatorCredentials.QboClientSecret)
        {
            return OAuthError("invalid_client", 401);
        }

        var grant = form["grant_type"].ToString() switch
        {
            "authorization_code" => authority.RedeemCode(Vendor, form["code"].ToString(), clientId, form["redirect_uri"].ToString()),
            "refresh_token" => authority.Refresh(Vendor, form["refresh_token"].ToString(), clientId),
            _ => null,
        };
        if (grant is null)
        {
            return form["grant_type"].ToString() is "authorization_code" or "refresh_token"
                ? OAuthError("invalid_grant", 400)
                : OAuthError("unsupported_grant_type", 400);
        }

        var lifetime = options.Value.QboAccessTokenLifetime;
        var access = tokens.Issue(Vendor, grant.Subject, lifetime, prefix: "eyJqbo.");
        return new SimJson(new JsonObject
        {
            ["token_type"] = "bearer",
            ["access_token"] = access,
            ["expires_in"] = (int)lifetime.TotalSeconds,
            ["refresh_token"] = grant.RefreshToken,
            ["x_refresh_token_expires_in"] = 8_726_400,
        });
    }

    private static SimJson OAuthError(string error, int status) => new(new JsonObject { ["error"] = error }, statusCode: status);

    // ---- Documents ---------------------------------------------------------------------------------------------

    private static async Task<IResult> CreateAsync(HttpContext http, SimulatorWorld world, string kind)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Fault(http, 400, "ValidationFault", "Request has invalid or unsupported property", "Could not parse the request body as JSON.", "2010", null);
        }

        var requestId = http.Request.Query["requestid"].ToString() is { Length: > 0 } rid ? rid : null;
        if (requestId is { Length: > 50 })
        {
            return Fault(http, 400, "ValidationFault", "Invalid requestid", "requestid must be 50 characters or fewer.", "2020", "requestid");
        }

        var data = world.Qbo;
        var (status, answer) = data.CreateOnce(requestId, id => Build(http, data, kind, body, id, requestId));
        return Json(http, answer, status);
    }

    private static (int, JsonObject, CloudDocument?) Build(HttpContext http, QboData data, string kind, JsonObject body, string id, string? requestId)
    {
        (int, JsonObject, CloudDocument?) Invalid(string message, string detail, string code, string? element) =>
            (400, FaultBody(http, "ValidationFault", message, detail, code, element), null);

        var customerId = body["CustomerRef"]?["value"]?.ToString();
        var customer = data.Customers.FirstOrDefault(c => c.Id == customerId);
        if (customer.Customer is null)
        {
            return Invalid("Invalid Reference Id", $"Invalid Reference Id : Customer assigned to this transaction has been deleted or does not exist: {customerId}", "2500", "CustomerRef");
        }

        if (body["Line"] is not JsonArray lines || lines.Count == 0)
        {
            return Invalid("Business Validation Error", "Business Validation Error: You must fill out at least one split line.", "6000", "Line");
        }

        var outLines = new JsonArray();
        var total = 0m;
        var n = 0;
        foreach (var line in lines.OfType<JsonObject>())
        {
            n++;
            if (line["DetailType"]?.ToString() != "SalesItemLineDetail" || line["SalesItemLineDetail"] is not JsonObject detail)
            {
                return Invalid("Required param missing, need to supply the required value for the API", "Required parameter Line.DetailType / SalesItemLineDetail is missing in the request", "2020", "Line");
            }

            if (!TryDecimal(line["Amount"], out var amount))
            {
                return Invalid("Required param missing, need to supply the required value for the API", "Required parameter Line.Amount is missing in the request", "2020", "Line.Amount");
            }

            var itemId = detail["ItemRef"]?["value"]?.ToString();
            var item = data.Items.FirstOrDefault(i => i.Id == itemId);
            if (item.Item is null)
            {
                return Invalid("Invalid Reference Id", $"Invalid Reference Id : Item assigned to this transaction has been deleted or does not exist: {itemId}", "2500", "Line.SalesItemLineDetail.ItemRef");
            }

            var hasQty = TryDecimal(detail["Qty"], out var qty);
            var hasPrice = TryDecimal(detail["UnitPrice"], out var price);
            if (hasQty && hasPrice && decimal.Round(qty * price, 2, MidpointRounding.AwayFromZero) != amount)
            {
                return Invalid("Amount calculation incorrect in the request.",
                    string.Create(CultureInfo.InvariantCulture, $"Amount is not equal to UnitPrice * Qty. Supplied value:{amount}"), "6070", "Line.Amount");
            }

            total += amount;
            var outDetail = new JsonObject { ["ItemRef"] = new JsonObject { ["value"] = item.Id, ["name"] = item.Item.Name } };
            if (hasQty)
            {
                outDetail["Qty"] = qty;
            }

            if (hasPrice)
            {
                outDetail["UnitPrice"] = price;
            }

            if (detail["ServiceDate"] is { } serviceDate)
            {
                outDetail["ServiceDate"] = serviceDate.ToString();
            }

            outDetail["TaxCodeRef"] = new JsonObject { ["value"] = detail["TaxCodeRef"]?["value"]?.ToString() ?? (item.Item.Taxable ? "TAX" : "NON") };
            outLines.Add(new JsonObject
            {
                ["Id"] = n.ToString(CultureInfo.InvariantCulture),
                ["LineNum"] = n,
                ["Description"] = line["Description"]?.ToString(),
                ["Amount"] = amount,
                ["DetailType"] = "SalesItemLineDetail",
                ["SalesItemLineDetail"] = outDetail,
            });
        }

        if (kind == "Invoice" && total < 0)
        {
            return Invalid("Business Validation Error", "Business Validation Error: Transaction total can not be negative. Use a credit memo.", "6000", "TotalAmt");
        }

        var docNumber = body["DocNumber"]?.ToString();
        if (docNumber is { Length: > 21 })
        {
            return Invalid("String length is either shorter or longer than supported by specification", "String length specified does not match the supported length. Min:0 Max:21 supplied:" + docNumber.Length, "6000", "DocNumber");
        }

        if (string.IsNullOrEmpty(docNumber))
        {
            docNumber = (1000 + int.Parse(id, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
        }
        else if (data.WithNumber(kind, docNumber) is { } taken)
        {
            return Invalid("Duplicate Document Number Error",
                $"Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber={docNumber} is assigned to TxnType={kind} with TxnId={taken.Id}", "6140", "DocNumber");
        }

        outLines.Add(new JsonObject { ["Amount"] = total, ["DetailType"] = "SubTotalLineDetail", ["SubTotalLineDetail"] = new JsonObject() });
        var now = Time(http);
        var privateNote = body["PrivateNote"]?.ToString();
        var document = new JsonObject
        {
            ["Id"] = id,
            ["SyncToken"] = "0",
            ["domain"] = "QBO",
            ["sparse"] = false,
            ["DocNumber"] = docNumber,
            ["TxnDate"] = body["TxnDate"]?.ToString() ?? now[..10],
            ["CurrencyRef"] = new JsonObject { ["value"] = "USD", ["name"] = "United States Dollar" },
            ["Line"] = outLines,
            ["CustomerRef"] = new JsonObject { ["value"] = customer.Id, ["name"] = customer.Customer.Name },
            ["TotalAmt"] = total,
            ["Balance"] = total,
            ["PrivateNote"] = privateNote,
            ["MetaData"] = new JsonObject { ["CreateTime"] = now, ["LastUpdatedTime"] = now },
        };
        if (kind == "Invoice")
        {
            document["DueDate"] = body["DueDate"]?.ToString();
        }
        else
        {
            document["RemainingCredit"] = total;
        }

        if (body["CustomerMemo"]?["value"] is { } memo)
        {
            document["CustomerMemo"] = new JsonObject { ["value"] = memo.ToString() };
        }

        var answer = new JsonObject { [kind] = document, ["time"] = now };
        return (200, answer, new CloudDocument(kind, id, docNumber, customer.Id, total, privateNote, requestId, (JsonObject)document.DeepClone()));
    }

    private static bool TryDecimal(JsonNode? node, out decimal value)
    {
        value = 0;
        return node is JsonValue v && (v.TryGetValue(out value)
            || (v.TryGetValue<string>(out var s) && decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out value)));
    }

    // ---- Query -------------------------------------------------------------------------------------------------

    [GeneratedRegex(@"^\s*select\s+\*\s+from\s+(?<entity>\w+)(?:\s+where\s+(?<where>.+?))?(?:\s+orderby\s+(?<order>[\w.]+(?:\s+(?:asc|desc))?))?(?:\s+startposition\s+(?<start>\d+))?(?:\s+maxresults\s+(?<max>\d+))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex QueryPattern();

    [GeneratedRegex(@"^\s*(?<field>[\w.]+)\s*=\s*(?:'(?<text>(?:[^'\\]|\\.)*)'|(?<bare>true|false|\d+))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ConditionPattern();

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndPattern();

    private static IResult Query(HttpContext http, SimulatorWorld world)
    {
        var text = http.Request.Query["query"].ToString();
        var match = QueryPattern().Match(text);
        if (!match.Success)
        {
            return ParserError(http, $"QueryParserError: Encountered an unsupported statement: {text}");
        }

        var entity = match.Groups["entity"].Value;
        var rows = entity.ToLowerInvariant() switch
        {
            "customer" => world.Qbo.Customers.Select(c => CustomerJson(c.Id, c.Customer)).ToList(),
            "item" => world.Qbo.Items.Select(i => ItemJson(i.Id, i.Item)).ToList(),
            "invoice" => world.Qbo.Invoices.Select(d => (JsonObject)d.Payload.DeepClone()).ToList(),
            "creditmemo" => world.Qbo.CreditMemos.Select(d => (JsonObject)d.Payload.DeepClone()).ToList(),
            _ => null,
        };
        if (rows is null)
        {
            return ParserError(http, $"QueryParserError: Invalid context declaration : {entity}");
        }

        var entityName = entity.ToLowerInvariant() switch
        {
            "customer" => "Customer",
            "item" => "Item",
            "invoice" => "Invoice",
            _ => "CreditMemo",
        };

        if (match.Groups["where"].Success)
        {
            foreach (var condition in AndPattern().Split(match.Groups["where"].Value))
            {
                var c = ConditionPattern().Match(condition);
                if (!c.Success)
                {
                    return ParserError(http, $"QueryParserError: Encountered \"{condition.Trim()}\"");
                }

                var field = c.Groups["field"].Value;
                var value = c.Groups["text"].Success ? c.Groups["text"].Value.Replace("\\'", "'", StringComparison.Ordinal) : c.Groups["bare"].Value;
                if (!rows.All(r => FieldOf(r, field, out _)) && rows.Count > 0)
                {
                    return ParserError(http, $"QueryValidationError: property '{field}' is not queryable");
                }

                rows = [.. rows.Where(r => FieldOf(r, field, out var actual) && string.Equals(actual, value, StringComparison.OrdinalIgnoreCase))];
            }
        }

        var start = match.Groups["start"].Success ? int.Parse(match.Groups["start"].Value, CultureInfo.InvariantCulture) : 1;
        var max = match.Groups["max"].Success ? int.Parse(match.Groups["max"].Value, CultureInfo.InvariantCulture) : 100;
        if (max > MaxResultsLimit || max < 1 || start < 1)
        {
            return ParserError(http, $"QueryValidationError: MAXRESULTS must be between 1 and {MaxResultsLimit}, STARTPOSITION at least 1");
        }

        var page = rows.Skip(start - 1).Take(max).ToList();
        var response = new JsonObject();
        if (page.Count > 0)
        {
            response[entityName] = new JsonArray([.. page]);
            response["startPosition"] = start;
            response["maxResults"] = page.Count;
        }

        return Json(http, new JsonObject { ["QueryResponse"] = response, ["time"] = Time(http) });
    }

    /// <summary>A queryable field: <c>Active</c>, <c>DocNumber</c>, <c>Id</c>, <c>DisplayName</c>, <c>Name</c>, <c>TxnDate</c>, <c>CustomerRef</c> (its value).</summary>
    private static bool FieldOf(JsonObject row, string field, out string? value)
    {
        value = null;
        var key = row.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, field, StringComparison.OrdinalIgnoreCase));
        if (key is null || field.Equals("Line", StringComparison.OrdinalIgnoreCase) || field.Equals("MetaData", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var node = row[key];
        value = node is JsonObject reference ? reference["value"]?.ToString() : node is JsonValue v && v.TryGetValue<bool>(out var b) ? (b ? "true" : "false") : node?.ToString();
        return true;
    }

    private static JsonObject CustomerJson(string id, AccountingCustomer c) => new()
    {
        ["Id"] = id,
        ["SyncToken"] = "0",
        ["DisplayName"] = c.Name,
        ["CompanyName"] = c.Name,
        ["FullyQualifiedName"] = c.Name,
        ["PrintOnCheckName"] = c.Name,
        ["Active"] = c.Active,
        ["PrimaryEmailAddr"] = c.Email is null ? null : new JsonObject { ["Address"] = c.Email },
        ["Taxable"] = true,
        ["Balance"] = 0m,
        ["CurrencyRef"] = new JsonObject { ["value"] = "USD", ["name"] = "United States Dollar" },
        ["domain"] = "QBO",
    };

    private static JsonObject ItemJson(string id, AccountingItem i) => new()
    {
        ["Id"] = id,
        ["SyncToken"] = "0",
        ["Name"] = i.Name,
        ["FullyQualifiedName"] = i.Name,
        ["Active"] = true,
        ["Type"] = "Service",
        ["UnitPrice"] = i.UnitPrice,
        ["Taxable"] = i.Taxable,
        ["IncomeAccountRef"] = new JsonObject { ["value"] = "79", ["name"] = "Services" },
        ["domain"] = "QBO",
    };

    // ---- Answers -----------------------------------------------------------------------------------------------

    private static string Time(HttpContext http) =>
        http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToOffset(IntuitOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static SimJson Json(HttpContext http, JsonObject body, int status = 200) =>
        new SimJson(body, statusCode: status).WithHeader("intuit_tid", Guid.NewGuid().ToString("N"));

    private static JsonObject FaultBody(HttpContext http, string type, string message, string detail, string code, string? element) => new()
    {
        ["Fault"] = new JsonObject
        {
            ["Error"] = new JsonArray(new JsonObject { ["Message"] = message, ["Detail"] = detail, ["code"] = code, ["element"] = element }),
            ["type"] = type,
        },
        ["time"] = Time(http),
    };

    private static SimJson Fault(HttpContext http, int status, string type, string message, string detail, string code, string? element) =>
        Json(http, FaultBody(http, type, message, detail, code, element), status);

    private static SimJson ParserError(HttpContext http, string detail) => Fault(http, 400, "ValidationFault", "Error parsing query", detail, "4000", null);

    private sealed class Behavior : CloudVendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            var token = SimulatorTokens.Bearer(http.Request);
            var (check, issued) = Service<SimulatorTokens>(http).Check(Vendor, token);
            var realm = http.GetRouteValue("realmId")?.ToString();
            return ValueTask.FromResult(check switch
            {
                TokenCheck.Valid when issued!.Subject == realm => AuthOutcome.Allow(token),
                TokenCheck.Valid => AuthOutcome.Deny(Fault(http, 403, "AuthorizationFault", "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403", "The token is not authorized for company " + realm, "003100", null)),
                TokenCheck.Expired => AuthOutcome.Deny(Unauthorized(http, "Token expired")),
                _ => AuthOutcome.Deny(Unauthorized(http, token is null ? "Authorization header missing" : "Token invalid")),
            });
        }

        private static SimJson Unauthorized(HttpContext http, string detail) =>
            Fault(http, 401, "AuthenticationFault", "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail, "3200", null)
                .WithHeader("WWW-Authenticate", "Bearer realm=\"Intuit\", error=\"invalid_token\"");

        public override IResult ExpiredToken(HttpContext http, object? principal)
        {
            Service<SimulatorTokens>(http).Revoke(principal as string);
            return Unauthorized(http, "Token expired");
        }

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            Fault(http, 429, "ThrottlingFault", "message=ThrottleExceeded; errorCode=003001; statusCode=429", "The request limit was reached.", "003001", null)
                .WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) =>
            Fault(http, 500, "SystemFault", "An application error has occurred while processing your request", "System Failure Error: An unexpected error occurred while accessing or saving your data.", "10000", null);

        public override IResult Reject(HttpContext http) =>
            Fault(http, 400, "ValidationFault", "Business Validation Error", "Business Validation Error: The simulator was told to reject this request.", "6000", null);
    }
}
