using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.BadInput;

/// <summary>
/// Issue 8, item 6: every write endpoint of the API and the importers fed bad input by category — negative and huge
/// numbers, non-numbers, 1 MB strings, malformed JSON and CSV, duplicate ids, wrong periods, unknown ids, wrong content
/// types. Each answer must be a 4xx problem details that names the field (never a 500), and the database must be
/// byte-for-byte what it was before (nothing half-written). Names that are merely unusual (unicode, right-to-left,
/// script- and SQL-like) are valid: they are stored and returned exactly.
/// </summary>
public sealed class BadInputTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A million characters: a "1 MB string" whose body still fits the API's 1 MiB body limit, so it reaches the
    // validators and must be refused by field; a body over the limit is refused whole with 413 (RequestLimitTests).
    private static readonly string Megabyte = new('x', 1_000_000);

    /// <summary>Names a user may well type; each must round-trip exactly.</summary>
    public static readonly string[] ValidOddNames =
    [
        "Zoë Ærøskøbing 株式会社 🚀 Ltd",
        "شركة الاختبار للتقنية",
        "\u05D7\u05D1\u05E8\u05EA \u05D1\u05D3\u05D9\u05E7\u05D4 \u200F(RTL) Ltd",
        "<script>alert('x')</script> Dental",
        "Robert'); DROP TABLE Clients;-- Partners",
        "\" OR 1=1 -- & Sons",
        "{{7*7}} ${7*7} %s %n Consulting",
        "e\u0301 combining \u200B zero-width",
    ];

    [Fact]
    public async Task Api_BadInputTable_Answers4xxProblemNamingTheFieldAndWritesNothing()
    {
        var ctx = await PrepareAsync();
        var cases = Cases(ctx).ToList();
        var failures = new List<string>();
        var byCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        var statuses = new Dictionary<int, int>();

        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        foreach (var category in cases.GroupBy(c => c.Category))
        {
            var before = await TenantSnapshot.TakeAsync(app, Ct);
            foreach (var c in category)
            {
                byCategory[c.Category] = byCategory.GetValueOrDefault(c.Category) + 1;
                var caseBefore = await TenantSnapshot.TakeAsync(app, Ct);
                using var request = new HttpRequestMessage(c.Method, c.Path) { Content = c.Body?.Invoke() };
                using var response = await http.SendAsync(request, Ct);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var text = await response.Content.ReadAsStringAsync(Ct);
                var problem = Check(c, response, status, text);
                if (problem is not null)
                {
                    failures.Add($"[{c.Category}] {c.Method} {Short(c.Path)} {c.Label}: {problem} — {Short(text)}");
                }

                var written = TenantSnapshot.Diff(caseBefore, await TenantSnapshot.TakeAsync(app, Ct));
                if (written.Count > 0)
                {
                    failures.Add($"[{c.Category}] {c.Method} {Short(c.Path)} {c.Label}: answered {status} but wrote {string.Join(", ", written)}");
                }
            }

            var changed = TenantSnapshot.Diff(before, await TenantSnapshot.TakeAsync(app, Ct));
            if (changed.Count > 0)
            {
                failures.Add($"[{category.Key}] the category as a whole changed {string.Join(", ", changed)}");
            }
        }

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Bad-input table: {cases.Count} rejected inputs tried across {byCategory.Count} categories; answers: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        foreach (var (category, count) in byCategory)
        {
            output?.WriteLine($"  {category}: {count}");
        }

        foreach (var failure in failures)
        {
            output?.WriteLine("FAIL " + failure);
        }

        failures.ShouldBeEmpty();
        statuses.Keys.ShouldAllBe(s => s < 500);
    }

    [Fact]
    public async Task Api_UnusualButValidNames_AreStoredAndReturnedByteExact()
    {
        var ctx = await PrepareAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var tried = 0;
        foreach (var name in ValidOddNames)
        {
            var unique = name + " " + Guid.NewGuid().ToString("N")[..6];

            var client = await CreatedAsync(http, "/api/v1/clients", new { name = unique, notes = unique });
            (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{client.GetProperty("id").GetGuid()}", Ct)).GetProperty("name").GetString().ShouldBe(unique);

            var item = await CreatedAsync(http, "/api/v1/catalog-items", new { name = unique, unitPrice = 1.5m });
            var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items", Ct);
            items.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == item.GetProperty("id").GetGuid())
                .GetProperty("name").GetString().ShouldBe(unique);

            var ticket = await CreatedAsync(http, "/api/v1/tickets", new { clientId = ctx.ClientId, subject = unique, technician = unique });
            var readTicket = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket.GetProperty("id").GetGuid()}", Ct);
            readTicket.GetProperty("subject").GetString().ShouldBe(unique);

            var charge = await CreatedAsync(http, "/api/v1/charges", new { clientId = ctx.ClientId, date = "2026-11-05", description = unique, unitPrice = 10m });
            charge.GetProperty("description").GetString().ShouldBe(unique);
            tried += 4;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Valid unusual names: {tried} stored and read back byte-exact");
    }

    [Fact]
    public async Task Import_NinetyNineGoodRowsAndOneBad_CommitsNothingAndNamesRowAndColumn()
    {
        await PrepareAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var tried = 0;
        foreach (var (bad, column) in new[]
        {
            ("-3", "Managed Workstation"),
            ("1e30", "Managed Workstation"),
            ("twelve", "Managed Workstation"),
            ("99999999999999999999999999999", "Managed Workstation"),
            ("NaN", "Managed Workstation"),
        })
        {
            var csv = new StringBuilder("Client,Hourly Rate,Managed Workstation\n");
            for (var i = 1; i <= 100; i++)
            {
                var workstations = i == 57 ? bad : (i % 9 + 1).ToString(CultureInfo.InvariantCulture);
                csv.Append(CultureInfo.InvariantCulture, $"Bulk Row Client {i:000} {Guid.NewGuid():N},150,{workstations}\n");
            }

            var before = await TenantSnapshot.TakeAsync(app, Ct);
            var response = await http.PostAsync("/api/v1/imports/billing-sheet?commit=true", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), Ct);
            tried++;
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, $"value {bad}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            body.GetProperty("committed").GetBoolean().ShouldBeFalse();
            var errors = body.GetProperty("errors").EnumerateArray().ToList();
            errors.Count.ShouldBe(1, $"value {bad}: {body}");
            errors[0].GetProperty("row").GetInt32().ShouldBe(58); // row 1 is the header
            errors[0].GetProperty("column").GetString().ShouldBe(column);
            errors[0].GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
            TenantSnapshot.Diff(before, await TenantSnapshot.TakeAsync(app, Ct)).ShouldBeEmpty($"value {bad}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"All-or-nothing imports: {tried} sheets of 100 rows with 1 bad row, none committed");
    }

    [Fact]
    public async Task TimeBatch_BadEntriesMixedWithGood_AnswersPerEntryAndCreatesOnlyTheGood()
    {
        var ctx = await PrepareAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var run = Guid.NewGuid().ToString("N")[..8];
        object Entry(string id, object minutes, object workDate) => new { externalId = $"{run}-{id}", ticketId = ctx.OpenTicketId, technician = "Batch Tech", workDate, minutes };
        var entries = new object[]
        {
            Entry("good-1", 30, "2026-11-03"),
            Entry("neg", -15, "2026-11-03"),
            Entry("huge", 10_000_000, "2026-11-03"),
            Entry("nan", "sixty", "2026-11-03"),
            Entry("date", 30, "2026-13-45"),
            Entry("good-1", 45, "2026-11-04"), // duplicate id within the batch
            new { externalId = $"{run}-noticket", ticketId = Guid.NewGuid(), technician = "Batch Tech", workDate = "2026-11-03", minutes = 30 },
            new { externalId = $"{run}-script", ticketId = ctx.OpenTicketId, technician = "<script>alert(1)</script>", workDate = "2026-11-03", minutes = 15, notes = "'; DROP TABLE TimeEntries;--" },
            Entry("good-2", 60, "2026-11-05"),
        };

        var before = await CountEntriesAsync(http, ctx.OpenTicketId);
        var response = await http.PostAsJsonAsync("/api/v1/time-entries/batch", new { entries }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var results = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()).ToList();
        // A repeated id inside one batch is refused with the reason; a repeat of an already stored id is a duplicate.
        results.ShouldBe(["created", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "created", "created"], body.ToString());
        body.GetProperty("items")[5].GetProperty("errors").TryGetProperty("externalId", out _).ShouldBeTrue();
        (await CountEntriesAsync(http, ctx.OpenTicketId)).ShouldBe(before + 3);

        // The same batch again: every good entry is a duplicate, nothing new.
        var again = await (await http.PostAsJsonAsync("/api/v1/time-entries/batch", new { entries }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        again.GetProperty("created").GetInt32().ShouldBe(0);
        again.GetProperty("duplicates").GetInt32().ShouldBe(3);
        (await CountEntriesAsync(http, ctx.OpenTicketId)).ShouldBe(before + 3);
        TestContext.Current.TestOutputHelper?.WriteLine($"Time batch: {entries.Length * 2} entries sent, 3 created, the rest answered per entry");
    }

    private static async Task<int> CountEntriesAsync(HttpClient http, Guid ticketId) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Ct)).GetProperty("entries").GetArrayLength();

    private static async Task<JsonElement> CreatedAsync(HttpClient http, string path, object body)
    {
        var response = await http.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string? Check(Case c, HttpResponseMessage response, int status, string text)
    {
        if (status >= 500)
        {
            return $"answered {status}";
        }

        if (!c.Expected.Contains(status))
        {
            return $"answered {status}, expected {string.Join("/", c.Expected)}";
        }

        if (c.ImportReport)
        {
            using var report = JsonDocument.Parse(text);
            var rows = report.RootElement.GetProperty("errors").EnumerateArray().ToList();
            return report.RootElement.GetProperty("committed").GetBoolean() ? "committed"
                : rows.Count == 0 ? "no row errors reported"
                : rows.Any(r => string.IsNullOrWhiteSpace(r.GetProperty("message").GetString())) ? "a row error without a message"
                : null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"answered {status} as {response.Content.Headers.ContentType?.MediaType ?? "no body"}, not problem details";
        }

        JsonElement body;
        try
        {
            body = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return "problem details that are not JSON";
        }

        var hasDetail = body.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString()!.Length > 0;
        var hasErrors = body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.EnumerateObject().Any();
        if (!hasDetail && !hasErrors)
        {
            return "problem details without a detail or errors (no useful message)";
        }

        if (c.Field is not null)
        {
            if (!hasErrors)
            {
                return $"no errors object naming '{c.Field}'";
            }

            var fields = errors.EnumerateObject().Select(p => p.Name).ToList();
            if (!fields.Any(f => string.Equals(f, c.Field, StringComparison.OrdinalIgnoreCase) || f.EndsWith("." + c.Field, StringComparison.OrdinalIgnoreCase)
                || f.StartsWith(c.Field + ".", StringComparison.OrdinalIgnoreCase)))
            {
                return $"errors name [{string.Join(", ", fields)}], not '{c.Field}'";
            }
        }

        return null;
    }

    private static string Short(string s) => s.Length > 300 ? s[..300] + "…" : s;

    internal sealed record Case(string Category, HttpMethod Method, string Path, Func<HttpContent?>? Body, int[] Expected, string? Field, string Label)
    {
        /// <summary>The billing-sheet import answers with its own report (rows and columns of every error), by design.</summary>
        public bool ImportReport { get; init; }
    }

    internal sealed record Context(Guid ClientId, string ClientName, Guid ItemId, string ItemName, Guid NinjaConnectionId, Guid SonicWallConnectionId, string OrganizationId,
        Guid OpenTicketId, Guid TimeEntryId, Guid InvoiceId, string LineKey, string Period);

    /// <summary>JSON content; U+FFFF in <paramref name="raw"/> stands for the bytes FF FE, which are not UTF-8 at all.</summary>
    private static HttpContent Json(string raw)
    {
        if (!raw.Contains('\uFFFF', StringComparison.Ordinal))
        {
            return new StringContent(raw, Encoding.UTF8, "application/json");
        }

        var parts = raw.Split('\uFFFF');
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            bytes.AddRange(i > 0 ? [0xFF, 0xFE] : []);
            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
        }

        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static HttpContent JsonOf(object value) => Json(JsonSerializer.Serialize(value));

    private static StringContent Csv(string raw) => new(raw, Encoding.UTF8, "text/csv");

    private static readonly SemaphoreSlim PrepareLock = new(1, 1);
    private static readonly Dictionary<AppFactory, Context> Prepared = [];

    /// <summary>Ids the table needs, made once per app; then waits until the app's start-up work has stopped writing.</summary>
    private async Task<Context> PrepareAsync()
    {
        await PrepareLock.WaitAsync(Ct);
        try
        {
            if (!Prepared.TryGetValue(app, out var context))
            {
                Prepared[app] = context = await MakeContextAsync();
            }

            await WaitUntilQuietAsync();
            return context;
        }
        finally
        {
            PrepareLock.Release();
        }
    }

    /// <summary>Syncs landing after start-up recompute the open month; a snapshot comparison needs them done.</summary>
    private async Task WaitUntilQuietAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = await TenantSnapshot.TakeAsync(app, Ct);
        var quiet = 0;
        while (quiet < 2)
        {
            await Task.Delay(750, Ct);
            var now = await TenantSnapshot.TakeAsync(app, Ct);
            quiet = TenantSnapshot.Diff(last, now).Count == 0 ? quiet + 1 : 0;
            last = now;
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The demo tenant kept writing for a minute after start-up.");
            }
        }
    }

    private async Task<Context> MakeContextAsync()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        await DemoReady.AccountingAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var client = (await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1&sort=name", Ct)).GetProperty("items")[0];
        var item = (await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items", Ct)).GetProperty("items")[0];
        var connections = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray().ToList();
        var ninja = connections.First(c => c.GetProperty("kind").GetString() == "ninjaone").GetProperty("id").GetGuid();
        var sonicwall = connections.First(c => c.GetProperty("kind").GetString() == "sonicwall").GetProperty("id").GetGuid();
        var organization = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{ninja}/organizations?pageSize=1", Ct)).GetProperty("items")[0].GetProperty("externalId").GetString()!;
        var clientId = client.GetProperty("id").GetGuid();

        var ticket = await CreatedAsync(http, "/api/v1/tickets", new { clientId, subject = "Bad-input fixture ticket", technician = "Fixture" });
        var ticketId = ticket.GetProperty("id").GetGuid();
        var entry = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Fixture", workDate = "2026-11-02", minutes = 30 }, Ct);
        entry.StatusCode.ShouldBe(HttpStatusCode.Created);
        var entryId = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Ct)).GetProperty("entries")[0].GetProperty("id").GetGuid();

        var period = "2026-11";
        var run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{period}?pageSize=5", Ct);
        var invoice = run.GetProperty("invoices").GetProperty("items")[0];
        var lineKey = invoice.GetProperty("lines")[0].GetProperty("key").GetString()!;
        return new Context(clientId, client.GetProperty("name").GetString()!, item.GetProperty("id").GetGuid(), item.GetProperty("name").GetString()!,
            ninja, sonicwall, organization, ticketId, entryId, invoice.GetProperty("id").GetGuid(), lineKey, period);
    }

    private static IEnumerable<Case> Cases(Context x)
    {
        var get = HttpMethod.Get;
        var post = HttpMethod.Post;
        var put = HttpMethod.Put;
        var delete = HttpMethod.Delete;
        int[] bad = [400];
        int[] notFound = [404];
        int[] conflict = [409];
        int[] unsupported = [415];
        var unknown = Guid.NewGuid();

        // Numbers: negative, huge (beyond money's range, beyond decimal's range), and not numbers at all.
        string[] notNumbers = ["\"abc\"", "\"12\"", "true", "[]", "{}", "\"NaN\"", "1e400", "79228162514264337593543950336"];

        // ---- clients
        const string clients = "/api/v1/clients";
        yield return new("numbers", post, clients, () => Json("{\"name\":\"Neg Co\",\"hourlyRate\":-5}"), bad, "hourlyRate", "negative rate");
        yield return new("numbers", post, clients, () => Json("{\"name\":\"Huge Co\",\"hourlyRate\":1e15}"), bad, "hourlyRate", "rate 1e15");
        foreach (var n in notNumbers)
        {
            yield return new("non-numbers", post, clients, () => Json($"{{\"name\":\"Nan Co\",\"hourlyRate\":{n}}}"), bad, "hourlyRate", $"rate {n}");
        }

        yield return new("strings", post, clients, () => JsonOf(new { name = "" }), bad, "name", "empty name");
        yield return new("strings", post, clients, () => JsonOf(new { name = "   " }), bad, "name", "blank name");
        yield return new("strings", post, clients, () => JsonOf(new { name = Megabyte }), bad, "name", "1 MB name");
        yield return new("strings", post, clients, () => JsonOf(new { name = "Long Notes Co", notes = Megabyte }), bad, "notes", "1 MB notes");
        yield return new("strings", post, clients, () => JsonOf(new { name = "Long Ref Co", accountingCustomerRef = Megabyte }), bad, "accountingCustomerRef", "1 MB ref");
        yield return new("strings", post, clients, () => JsonOf(new { name = "Bad Status Co", status = "Zombie" }), bad, "status", "unknown status");
        yield return new("strings", put, $"{clients}/{x.ClientId}", () => JsonOf(new { name = Megabyte }), bad, "name", "update 1 MB name");
        yield return new("strings", put, $"{clients}/{x.ClientId}", () => JsonOf(new { name = "" }), bad, "name", "update empty name");
        yield return new("duplicates", post, clients, () => JsonOf(new { name = x.ClientName }), conflict.Concat(bad).ToArray(), null, "existing client name");
        yield return new("duplicates", post, clients, () => JsonOf(new { name = x.ClientName.ToUpperInvariant() }), conflict.Concat(bad).ToArray(), null, "existing name, other case");
        yield return new("unknown ids", put, $"{clients}/{unknown}", () => JsonOf(new { name = "Ghost" }), notFound, null, "update unknown client");
        yield return new("unknown ids", delete, $"{clients}/{unknown}", null, notFound, null, "delete unknown client");
        yield return new("unknown ids", delete, $"{clients}/not-a-guid", null, notFound, null, "delete non-guid id");

        foreach (var (label, raw) in MalformedJson())
        {
            yield return new("malformed json", post, clients, () => Json(raw), bad, null, label);
        }

        yield return new("content types", post, clients, () => new StringContent("{\"name\":\"Text Co\"}", Encoding.UTF8, "text/plain"), unsupported, null, "json as text/plain");
        yield return new("content types", post, clients, () => new FormUrlEncodedContent([new("name", "Form Co")]), unsupported, null, "form body");
        yield return new("content types", post, clients, null, [400, 415], null, "no body");

        // ---- lines (incl. quantitySource)
        var lines = $"{clients}/{x.ClientId}/lines";
        object Line(object? quantitySource = null, object? unitPrice = null, object? includedUnits = null, object? minimum = null, object? effectiveFrom = null, object? effectiveTo = null, object? itemId = null, string? description = null) =>
            new { itemId = itemId ?? x.ItemId, quantitySource = quantitySource ?? new { kind = "manual", quantity = 2 }, unitPrice, includedUnits, minimum, effectiveFrom, effectiveTo, description };
        yield return new("numbers", post, lines, () => JsonOf(Line(new { kind = "manual", quantity = -1 })), bad, "quantity", "negative quantity");
        yield return new("numbers", post, lines, () => JsonOf(Line(new { kind = "manual", quantity = 1e15m })), bad, "quantity", "huge quantity");
        yield return new("numbers", post, lines, () => JsonOf(Line(unitPrice: -3m)), bad, "unitPrice", "negative price");
        yield return new("numbers", post, lines, () => JsonOf(Line(unitPrice: 1e15m)), bad, "unitPrice", "huge price");
        yield return new("numbers", post, lines, () => JsonOf(Line(includedUnits: -1m)), bad, "includedUnits", "negative included");
        yield return new("numbers", post, lines, () => JsonOf(Line(minimum: -1m)), bad, "minimum", "negative minimum");
        foreach (var n in notNumbers)
        {
            yield return new("non-numbers", post, lines, () => Json($"{{\"itemId\":\"{x.ItemId}\",\"quantitySource\":{{\"kind\":\"manual\",\"quantity\":{n}}}}}"), bad, "quantity", $"quantity {n}");
        }

        yield return new("quantity source", post, lines, () => JsonOf(new { itemId = x.ItemId }), bad, "quantity", "no quantity source");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "psychic", quantity = 1 })), bad, "kind", "unknown kind");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "manual" })), bad, "quantity", "manual without quantity");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "vendor", connectionId = x.NinjaConnectionId, metric = "unicorns" })), bad, "metric", "unknown metric");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "vendor", metric = "workstations" })), bad, "connectionId", "vendor without connection");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "vendor", connectionId = unknown, metric = "workstations" })), [400, 404], null, "unknown connection");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "vendor", connectionId = x.NinjaConnectionId, metric = "workstations", filter = new { basis = "vibes" } })), bad, "basis", "unknown basis");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "vendor", connectionId = x.NinjaConnectionId, metric = "workstations", product = Megabyte })), bad, "product", "1 MB product");
        yield return new("quantity source", post, lines, () => JsonOf(Line(new { kind = "vendor", connectionId = x.NinjaConnectionId, metric = "workstations", filter = new { classes = new[] { Megabyte } } })), bad, "classes", "1 MB class");
        yield return new("strings", post, lines, () => JsonOf(Line(description: Megabyte)), bad, "description", "1 MB description");
        yield return new("dates", post, lines, () => JsonOf(Line(effectiveFrom: "2026-12-01", effectiveTo: "2026-01-01")), bad, "effectiveTo", "ends before it starts");
        yield return new("dates", post, lines, () => Json($"{{\"itemId\":\"{x.ItemId}\",\"quantitySource\":{{\"kind\":\"manual\",\"quantity\":1}},\"effectiveFrom\":\"2026-02-30\"}}"), bad, null, "30 February");
        yield return new("dates", post, lines, () => Json($"{{\"itemId\":\"{x.ItemId}\",\"quantitySource\":{{\"kind\":\"manual\",\"quantity\":1}},\"effectiveFrom\":\"yesterday\"}}"), bad, null, "date as words");
        yield return new("unknown ids", post, lines, () => JsonOf(Line(itemId: unknown)), [400, 404], null, "unknown item");
        yield return new("unknown ids", post, $"{clients}/{unknown}/lines", () => JsonOf(Line()), notFound, null, "unknown client");
        yield return new("unknown ids", put, $"{lines}/{unknown}", () => JsonOf(Line()), notFound, null, "unknown line");
        yield return new("unknown ids", delete, $"{lines}/{unknown}", null, notFound, null, "delete unknown line");
        foreach (var (label, raw) in MalformedJson("description"))
        {
            yield return new("malformed json", post, lines, () => Json(raw), bad, null, label);
        }

        // ---- agreement terms
        var agreement = $"{clients}/{x.ClientId}/agreement";
        yield return new("numbers", put, agreement, () => JsonOf(new { timeIncrementMinutes = -15, reason = "bad" }), bad, "timeIncrementMinutes", "negative increment");
        yield return new("numbers", put, agreement, () => JsonOf(new { paymentTermsDays = 100000, reason = "bad" }), bad, "paymentTermsDays", "terms of 100,000 days");
        yield return new("non-numbers", put, agreement, () => Json("{\"timeIncrementMinutes\":\"fifteen\"}"), bad, null, "increment as text");
        yield return new("numbers", put, agreement, () => Json("{\"timeIncrementMinutes\":99999999999}"), bad, null, "increment beyond int");

        // ---- catalog
        const string catalog = "/api/v1/catalog-items";
        yield return new("numbers", post, catalog, () => JsonOf(new { name = "Neg Item", unitPrice = -1m }), bad, "unitPrice", "negative price");
        yield return new("numbers", post, catalog, () => JsonOf(new { name = "Huge Item", unitPrice = 1e15m }), bad, "unitPrice", "huge price");
        yield return new("numbers", post, catalog, () => JsonOf(new { name = "Neg Cost", unitPrice = 1m, unitCost = -1m }), bad, "unitCost", "negative cost");
        yield return new("numbers", post, catalog, () => JsonOf(new { name = "No Price" }), bad, "unitPrice", "no price");
        foreach (var n in notNumbers)
        {
            yield return new("non-numbers", post, catalog, () => Json($"{{\"name\":\"Nan Item\",\"unitPrice\":{n}}}"), bad, "unitPrice", $"price {n}");
        }

        yield return new("strings", post, catalog, () => JsonOf(new { name = "", unitPrice = 1m }), bad, "name", "empty name");
        yield return new("strings", post, catalog, () => JsonOf(new { name = Megabyte, unitPrice = 1m }), bad, "name", "1 MB name");
        yield return new("strings", post, catalog, () => JsonOf(new { name = "Long Ref", unitPrice = 1m, accountingItemRef = Megabyte }), bad, "accountingItemRef", "1 MB ref");
        yield return new("duplicates", post, catalog, () => JsonOf(new { name = x.ItemName, unitPrice = 1m }), conflict.Concat(bad).ToArray(), null, "existing item name");
        yield return new("unknown ids", put, $"{catalog}/{unknown}", () => JsonOf(new { name = "Ghost", unitPrice = 1m }), notFound, null, "update unknown item");
        yield return new("unknown ids", delete, $"{catalog}/{unknown}", null, notFound, null, "delete unknown item");
        yield return new("in use", delete, $"{catalog}/{x.ItemId}", null, conflict, null, "delete an item lines use");
        foreach (var (label, raw) in MalformedJson())
        {
            yield return new("malformed json", post, catalog, () => Json(raw), bad, null, label);
        }

        // ---- one-off charges
        const string charges = "/api/v1/charges";
        object Charge(object? clientId = null, object? date = null, object? unitPrice = null, object? quantity = null, string? description = "Bad-input charge", object? itemId = null) =>
            new { clientId = clientId ?? x.ClientId, date = date ?? "2026-11-05", description, unitPrice = unitPrice ?? 10m, quantity, itemId };
        yield return new("numbers", post, charges, () => JsonOf(Charge(unitPrice: 1e15m)), bad, "unitPrice", "huge price");
        yield return new("numbers", post, charges, () => JsonOf(Charge(unitPrice: -1e15m)), bad, "unitPrice", "huge credit");
        yield return new("numbers", post, charges, () => JsonOf(Charge(quantity: -2m)), bad, "quantity", "negative quantity");
        yield return new("numbers", post, charges, () => JsonOf(Charge(quantity: 1e15m)), bad, "quantity", "huge quantity");
        yield return new("numbers", post, charges, () => JsonOf(Charge(quantity: 0m)), bad, "quantity", "zero quantity");
        yield return new("non-numbers", post, charges, () => Json($"{{\"clientId\":\"{x.ClientId}\",\"date\":\"2026-11-05\",\"description\":\"x\",\"unitPrice\":\"ten\"}}"), bad, null, "price as words");
        yield return new("strings", post, charges, () => JsonOf(Charge(description: "")), bad, "description", "empty description");
        yield return new("strings", post, charges, () => JsonOf(Charge(description: Megabyte)), bad, "description", "1 MB description");
        yield return new("dates", post, charges, () => JsonOf(new { clientId = x.ClientId, description = "No date", unitPrice = 1m }), bad, "date", "no date");
        yield return new("dates", post, charges, () => Json($"{{\"clientId\":\"{x.ClientId}\",\"date\":\"2026-13-01\",\"description\":\"x\",\"unitPrice\":1}}"), bad, null, "month 13");
        yield return new("dates", post, charges, () => Json($"{{\"clientId\":\"{x.ClientId}\",\"date\":\"11/05/2026\",\"description\":\"x\",\"unitPrice\":1}}"), bad, null, "US date");
        yield return new("unknown ids", post, charges, () => JsonOf(Charge(clientId: unknown)), [400, 404], null, "unknown client");
        yield return new("unknown ids", post, charges, () => JsonOf(new { date = "2026-11-05", description = "x", unitPrice = 1m }), bad, "clientId", "no client");
        yield return new("unknown ids", post, charges, () => JsonOf(Charge(itemId: unknown)), [400, 404], null, "unknown item");
        yield return new("unknown ids", delete, $"{charges}/{unknown}", null, notFound, null, "delete unknown charge");
        foreach (var (label, raw) in MalformedJson("description"))
        {
            yield return new("malformed json", post, charges, () => Json(raw), bad, null, label);
        }

        // ---- prepaid blocks
        const string blocks = "/api/v1/block-hours";
        object Block(object? hours = null, object? price = null, object? overageRate = null, object? clientId = null, object? purchasedOn = null, object? expiresOn = null) =>
            new { clientId = clientId ?? x.ClientId, hours = hours ?? 10m, price = price ?? 1000m, purchasedOn = purchasedOn ?? "2026-11-01", expiresOn, overageRate = overageRate ?? 150m };
        yield return new("numbers", post, blocks, () => JsonOf(Block(hours: -5m)), bad, "hours", "negative hours");
        yield return new("numbers", post, blocks, () => JsonOf(Block(hours: 0m)), bad, "hours", "zero hours");
        yield return new("numbers", post, blocks, () => JsonOf(Block(hours: 1e15m)), bad, "hours", "huge hours");
        yield return new("numbers", post, blocks, () => JsonOf(Block(price: -1m)), bad, "price", "negative price");
        yield return new("numbers", post, blocks, () => JsonOf(Block(price: 1e15m)), bad, "price", "huge price");
        yield return new("numbers", post, blocks, () => JsonOf(Block(overageRate: -1m)), bad, "overageRate", "negative overage");
        yield return new("non-numbers", post, blocks, () => Json($"{{\"clientId\":\"{x.ClientId}\",\"hours\":\"ten\",\"price\":1,\"purchasedOn\":\"2026-11-01\",\"overageRate\":1}}"), bad, null, "hours as words");
        yield return new("dates", post, blocks, () => JsonOf(Block(purchasedOn: "2026-11-01", expiresOn: "2026-10-01")), bad, "expiresOn", "expires before purchase");
        yield return new("dates", post, blocks, () => Json($"{{\"clientId\":\"{x.ClientId}\",\"hours\":1,\"price\":1,\"purchasedOn\":\"2026-00-10\",\"overageRate\":1}}"), bad, null, "month 00");
        yield return new("unknown ids", post, blocks, () => JsonOf(Block(clientId: unknown)), [400, 404], null, "unknown client");
        foreach (var (label, raw) in MalformedJson("purchasedOn"))
        {
            yield return new("malformed json", post, blocks, () => Json(raw), bad, null, label);
        }

        // ---- tickets, time entries, close, classify
        const string tickets = "/api/v1/tickets";
        yield return new("strings", post, tickets, () => JsonOf(new { clientId = x.ClientId, subject = "" }), bad, "subject", "empty subject");
        yield return new("strings", post, tickets, () => JsonOf(new { clientId = x.ClientId, subject = Megabyte }), bad, "subject", "1 MB subject");
        yield return new("strings", post, tickets, () => JsonOf(new { clientId = x.ClientId, subject = "Long tech", technician = Megabyte }), bad, "technician", "1 MB technician");
        yield return new("strings", post, tickets, () => JsonOf(new { clientId = x.ClientId, subject = "Long ext", externalId = Megabyte }), bad, "externalId", "1 MB external id");
        yield return new("unknown ids", post, tickets, () => JsonOf(new { subject = "No client" }), bad, "clientId", "no client");
        yield return new("unknown ids", post, tickets, () => JsonOf(new { clientId = unknown, subject = "Ghost client" }), [400, 404], null, "unknown client");
        yield return new("unknown ids", post, tickets, () => Json("{\"clientId\":\"not-a-guid\",\"subject\":\"x\"}"), bad, null, "client id not a guid");
        foreach (var (label, raw) in MalformedJson("subject"))
        {
            yield return new("malformed json", post, tickets, () => Json(raw), bad, null, label);
        }

        var time = $"{tickets}/{x.OpenTicketId}/time-entries";
        yield return new("numbers", post, time, () => JsonOf(new { technician = "T", workDate = "2026-11-03", minutes = -30 }), bad, "minutes", "negative minutes");
        yield return new("numbers", post, time, () => JsonOf(new { technician = "T", workDate = "2026-11-03", minutes = 0 }), bad, "minutes", "zero minutes");
        yield return new("numbers", post, time, () => JsonOf(new { technician = "T", workDate = "2026-11-03", minutes = 10_000_000 }), bad, "minutes", "ten million minutes");
        yield return new("non-numbers", post, time, () => Json("{\"technician\":\"T\",\"workDate\":\"2026-11-03\",\"minutes\":\"sixty\"}"), bad, null, "minutes as words");
        yield return new("non-numbers", post, time, () => Json("{\"technician\":\"T\",\"workDate\":\"2026-11-03\",\"minutes\":30.5}"), bad, null, "fractional minutes");
        yield return new("dates", post, time, () => Json("{\"technician\":\"T\",\"workDate\":\"2026-02-30\",\"minutes\":30}"), bad, null, "30 February");
        yield return new("dates", post, time, () => JsonOf(new { technician = "T", minutes = 30 }), bad, "workDate", "no date");
        yield return new("strings", post, time, () => JsonOf(new { technician = Megabyte, workDate = "2026-11-03", minutes = 30 }), bad, "technician", "1 MB technician");
        yield return new("strings", post, time, () => JsonOf(new { technician = "T", workDate = "2026-11-03", minutes = 30, notes = Megabyte }), bad, "notes", "1 MB notes");
        yield return new("unknown ids", post, $"{tickets}/{unknown}/time-entries", () => JsonOf(new { technician = "T", workDate = "2026-11-03", minutes = 30 }), notFound, null, "unknown ticket");

        var close = $"{tickets}/{x.OpenTicketId}/close";
        yield return new("enums", post, close, () => JsonOf(new { billingClass = "Free" }), bad, "billingClass", "unknown class");
        yield return new("enums", post, close, () => JsonOf(new { billingClass = "" }), bad, "billingClass", "empty class");
        yield return new("enums", post, close, () => Json("{}"), bad, "billingClass", "no class");
        yield return new("enums", post, close, () => Json("{\"billingClass\":7}"), bad, null, "class as number");
        yield return new("unknown ids", post, $"{tickets}/{unknown}/close", () => JsonOf(new { billingClass = "Billable" }), notFound, null, "unknown ticket");

        var classify = $"/api/v1/time-entries/{x.TimeEntryId}/billing-class";
        yield return new("enums", put, classify, () => JsonOf(new { billingClass = "Gratis", reason = "r" }), bad, "billingClass", "unknown class");
        yield return new("strings", put, classify, () => JsonOf(new { billingClass = "Billable" }), bad, "reason", "no reason");
        yield return new("strings", put, classify, () => JsonOf(new { billingClass = "Billable", reason = Megabyte }), bad, "reason", "1 MB reason");
        yield return new("unknown ids", put, $"/api/v1/time-entries/{unknown}/billing-class", () => JsonOf(new { billingClass = "Billable", reason = "r" }), notFound, null, "unknown entry");

        const string batch = "/api/v1/time-entries/batch";
        yield return new("batch", post, batch, () => Json("{\"entries\":{}}"), bad, "entries", "entries not a list");
        yield return new("batch", post, batch, () => Json("{\"entries\":\"x\"}"), bad, "entries", "entries a string");
        yield return new("batch", post, batch, () => Json("{}"), bad, "entries", "no entries");
        yield return new("batch", post, batch, () => Json("{\"entries\":[]}"), bad, "entries", "empty entries");
        yield return new("batch", post, batch, () => JsonOf(new { entries = Enumerable.Range(0, 5001).Select(i => new { externalId = $"over-{i}", ticketId = x.OpenTicketId, technician = "T", workDate = "2026-11-03", minutes = 1 }) }), bad, "entries", "5,001 entries");
        foreach (var (label, raw) in MalformedJson("entries"))
        {
            yield return new("malformed json", post, batch, () => Json(raw), bad, null, label);
        }

        // ---- billing runs: wrong periods on every period route
        string[] badPeriods = ["2026-13", "26-11", "2026-11-01", "..%2Fx", "2026-00", "0000-01", "9999-01", "2026-1", "november", "2026%2F11", "%20", "%E2%80%8F2026-11"];
        foreach (var p in badPeriods)
        {
            yield return new("periods", get, $"/api/v1/billing-runs/{p}", null, [400, 404], "period", $"preview {p}");
            yield return new("periods", post, $"/api/v1/billing-runs/{p}/refresh", null, [400, 404], "period", $"refresh {p}");
            yield return new("periods", post, $"/api/v1/billing-runs/{p}/approve", () => Json("{}"), [400, 404], "period", $"approve {p}");
            yield return new("periods", post, $"/api/v1/billing-runs/{p}/invoices/{x.InvoiceId}/adjustments", () => JsonOf(new { lineKey = x.LineKey, quantity = 1, reason = "r" }), [400, 404], "period", $"adjust {p}");
            yield return new("periods", post, $"/api/v1/billing-runs/{p}/post", () => Json("{}"), [400, 404], "period", $"post {p}");
            yield return new("periods", get, $"/api/v1/clients/{x.ClientId}/usage/{p}", null, [400, 404], "period", $"usage {p}");
            yield return new("periods", get, $"/api/v1/charges?period={p}", null, bad, "period", $"charges list {p}");
        }

        var runPath = $"/api/v1/billing-runs/{x.Period}";
        var adjust = $"{runPath}/invoices/{x.InvoiceId}/adjustments";
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = x.LineKey, quantity = 1 }), bad, "reason", "no reason");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = x.LineKey, quantity = 1, reason = Megabyte }), bad, "reason", "1 MB reason");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = x.LineKey, quantity = -1, reason = "r" }), bad, "quantity", "negative quantity");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = x.LineKey, quantity = 1e15m, reason = "r" }), bad, "quantity", "huge quantity");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = x.LineKey, unitPrice = 1e15m, reason = "r" }), bad, "unitPrice", "huge price");
        yield return new("adjustments", post, adjust, () => Json($"{{\"lineKey\":\"{x.LineKey}\",\"quantity\":\"lots\",\"reason\":\"r\"}}"), bad, null, "quantity as words");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = x.LineKey, decision = "maybe", reason = "r" }), bad, "decision", "unknown decision");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = "no-such-line", quantity = 1, reason = "r" }), [400, 404], null, "unknown line key");
        yield return new("adjustments", post, adjust, () => JsonOf(new { lineKey = Megabyte, quantity = 1, reason = "r" }), [400, 404], null, "1 MB line key");
        yield return new("adjustments", post, adjust, () => JsonOf(new { itemId = unknown, quantity = 1, unitPrice = 1m, reason = "r" }), [400, 404], null, "new line, unknown item");
        yield return new("adjustments", post, $"{runPath}/invoices/{unknown}/adjustments", () => JsonOf(new { lineKey = x.LineKey, quantity = 1, reason = "r" }), notFound, null, "unknown invoice");
        foreach (var (label, raw) in MalformedJson("reason"))
        {
            yield return new("malformed json", post, adjust, () => Json(raw), bad, null, label);
        }

        yield return new("approve", post, $"{runPath}/approve", () => JsonOf(new { invoiceIds = new[] { unknown } }), [400, 404], null, "unknown invoice");
        yield return new("approve", post, $"{runPath}/approve", () => Json("{\"invoiceIds\":[\"not-a-guid\"]}"), bad, null, "invoice id not a guid");
        yield return new("approve", post, $"{runPath}/approve", () => Json("{\"invoiceIds\":\"all\"}"), bad, null, "invoice ids a string");
        yield return new("approve", post, $"{runPath}/invoices/{unknown}/unapprove", () => JsonOf(new { reason = "r" }), notFound, null, "unapprove unknown invoice");

        // ---- billing settings
        yield return new("numbers", put, "/api/v1/billing-settings", () => Json("{\"staleAfterHours\":-1,\"dropPercent\":50,\"highlightPercent\":10,\"highlightAmount\":100,\"paymentTermsDays\":30,\"timeIncrementMinutes\":15,\"ticketMinimumMinutes\":15}"), bad, "staleAfterHours", "negative stale hours");
        yield return new("non-numbers", put, "/api/v1/billing-settings", () => Json("{\"staleAfterHours\":\"a day\"}"), bad, null, "stale hours as words");
        foreach (var (label, raw) in MalformedJson("staleAfterHours"))
        {
            yield return new("malformed json", put, "/api/v1/billing-settings", () => Json(raw), bad, null, label);
        }

        // ---- vendor connections
        const string connections = "/api/v1/vendor-connections";
        object Conn(string kind = "ninjaone", string name = "Bad-input conn", string? baseUrl = null, int? scheduleMinutes = null, int? requestsPerMinute = null, int? pageSize = null, int? timeoutSeconds = null, int? maxRetries = null, object? credentials = null) =>
            new { kind, name, baseUrl, credentials = credentials ?? new { clientId = "id", clientSecret = "secret" }, scheduleMinutes, requestsPerMinute, pageSize, timeoutSeconds, maxRetries };
        yield return new("enums", post, connections, () => JsonOf(Conn(kind: "oracle")), bad, "kind", "unknown kind");
        yield return new("enums", post, connections, () => JsonOf(Conn(kind: "")), bad, "kind", "empty kind");
        yield return new("strings", post, connections, () => JsonOf(Conn(name: "")), bad, "name", "empty name");
        yield return new("strings", post, connections, () => JsonOf(Conn(name: Megabyte)), bad, "name", "1 MB name");
        yield return new("strings", post, connections, () => JsonOf(Conn(credentials: new { clientId = Megabyte, clientSecret = Megabyte })), [400, 413], null, "2 × 1 MB credentials");
        yield return new("strings", post, connections, () => JsonOf(new { kind = "ninjaone", name = "No creds" }), bad, "credentials", "no credentials");
        yield return new("urls", post, connections, () => JsonOf(Conn(baseUrl: "javascript:alert(1)")), bad, "baseUrl", "javascript: url");
        yield return new("urls", post, connections, () => JsonOf(Conn(baseUrl: "file:///etc/passwd")), bad, "baseUrl", "file: url");
        yield return new("urls", post, connections, () => JsonOf(Conn(baseUrl: "not a url")), bad, "baseUrl", "words");
        yield return new("urls", post, connections, () => JsonOf(Conn(baseUrl: "https://" + Megabyte)), bad, "baseUrl", "1 MB url");
        yield return new("numbers", post, connections, () => JsonOf(Conn(scheduleMinutes: -1)), bad, "scheduleMinutes", "negative schedule");
        yield return new("numbers", post, connections, () => JsonOf(Conn(scheduleMinutes: 0)), bad, "scheduleMinutes", "zero schedule");
        yield return new("numbers", post, connections, () => JsonOf(Conn(requestsPerMinute: -1)), bad, "requestsPerMinute", "negative rate");
        yield return new("numbers", post, connections, () => JsonOf(Conn(pageSize: 0)), bad, "pageSize", "zero page size");
        yield return new("numbers", post, connections, () => JsonOf(Conn(pageSize: 1_000_000_000)), bad, "pageSize", "huge page size");
        yield return new("numbers", post, connections, () => JsonOf(Conn(timeoutSeconds: -5)), bad, "timeoutSeconds", "negative timeout");
        yield return new("numbers", post, connections, () => JsonOf(Conn(maxRetries: 1000)), bad, "maxRetries", "1,000 retries");
        yield return new("non-numbers", post, connections, () => Json("{\"kind\":\"ninjaone\",\"name\":\"x\",\"scheduleMinutes\":\"hourly\"}"), bad, null, "schedule as words");
        yield return new("non-numbers", post, connections, () => Json("{\"kind\":\"ninjaone\",\"name\":\"x\",\"pageSize\":1e10}"), bad, null, "page size beyond int");
        yield return new("unknown ids", put, $"{connections}/{unknown}", () => JsonOf(Conn()), notFound, null, "update unknown connection");
        yield return new("unknown ids", delete, $"{connections}/{unknown}", null, notFound, null, "delete unknown connection");
        yield return new("unknown ids", post, $"{connections}/{unknown}/sync", null, notFound, null, "sync unknown connection");
        yield return new("strings", put, $"{connections}/{x.NinjaConnectionId}", () => JsonOf(Conn(name: Megabyte)), bad, "name", "update 1 MB name");
        yield return new("urls", put, $"{connections}/{x.NinjaConnectionId}", () => JsonOf(Conn(baseUrl: "ftp://example.invalid/")), bad, "baseUrl", "update ftp url");
        yield return new("enums", put, $"{connections}/{x.NinjaConnectionId}", () => JsonOf(Conn(kind: "pax8")), [400, 409], null, "update changes the kind");
        foreach (var (label, raw) in MalformedJson("kind"))
        {
            yield return new("malformed json", post, connections, () => Json(raw), bad, null, label);
        }

        // ---- organisation and usage mappings
        var mapping = $"{connections}/{x.NinjaConnectionId}/organizations/{Uri.EscapeDataString(x.OrganizationId)}/mapping";
        yield return new("mappings", put, mapping, () => JsonOf(new { clientId = unknown }), [400, 404], null, "unknown client");
        yield return new("mappings", put, mapping, () => JsonOf(new { ignored = true, reason = Megabyte }), bad, "reason", "1 MB reason");
        yield return new("mappings", put, mapping, () => JsonOf(new { clientId = x.ClientId, ignored = true, reason = "both" }), bad, null, "client and ignored");
        yield return new("mappings", put, mapping, () => Json("{\"clientId\":\"nope\"}"), bad, null, "client id not a guid");
        yield return new("mappings", put, $"{connections}/{x.NinjaConnectionId}/organizations/no-such-org/mapping", () => JsonOf(new { clientId = x.ClientId }), notFound, null, "unknown organisation");
        yield return new("mappings", put, $"{connections}/{unknown}/organizations/{x.OrganizationId}/mapping", () => JsonOf(new { clientId = x.ClientId }), notFound, null, "unknown connection");
        yield return new("mappings", put, $"{connections}/{x.NinjaConnectionId}/organizations/%3Cscript%3E/mapping", () => JsonOf(new { clientId = x.ClientId }), notFound, null, "script-like organisation id");
        yield return new("mappings", put, $"{connections}/{x.NinjaConnectionId}/usage-mappings/unicorns/x", () => JsonOf(new { catalogItemId = x.ItemId }), [400, 404], null, "unknown metric");
        yield return new("mappings", put, $"{connections}/{x.NinjaConnectionId}/usage-mappings/workstations/no-such-key", () => JsonOf(new { catalogItemId = unknown }), [400, 404], null, "unknown catalog item");
        foreach (var (label, raw) in MalformedJson("reason"))
        {
            yield return new("malformed json", put, mapping, () => Json(raw), bad, null, label);
        }

        // ---- firewall CSV (SonicWall manual fallback): a bad row changes nothing
        var firewall = $"{connections}/{x.SonicWallConnectionId}/firewall-inventory";
        foreach (var (label, csv) in MalformedFirewallCsv())
        {
            yield return new("firewall csv", post, firewall, () => Csv(csv), [400, 422], null, label);
        }

        yield return new("unknown ids", post, $"{connections}/{x.NinjaConnectionId}/firewall-inventory", () => Csv("tenantId,tenantName,serialNumber,friendlyName,model\nt1,T,SN1,fw,TZ\n"), [400, 409], null, "firewall CSV on a NinjaOne connection");

        // ---- accounting connection and mappings
        const string accounting = "/api/v1/accounting-connection";
        yield return new("enums", put, accounting, () => JsonOf(new { kind = "sage" }), bad, "kind", "unknown kind");
        yield return new("urls", put, accounting, () => JsonOf(new { kind = "conductor", baseUrl = "javascript:alert(1)" }), bad, "baseUrl", "javascript: url");
        yield return new("numbers", put, accounting, () => JsonOf(new { kind = "conductor", timeoutSeconds = -1 }), bad, "timeoutSeconds", "negative timeout");
        yield return new("strings", put, accounting, () => JsonOf(new { kind = "conductor", credentials = new { secretKey = Megabyte, endUserId = "x" } }), bad, null, "1 MB secret");
        yield return new("enums", put, accounting, () => JsonOf(new { kind = "xero" }), [400, 409], null, "kind change unconfirmed");
        yield return new("strings", put, accounting, () => JsonOf(new { kind = "conductor", fallbackItemId = Megabyte }), [400, 404], null, "1 MB fallback item");
        foreach (var (label, raw) in MalformedJson("kind"))
        {
            yield return new("malformed json", put, accounting, () => Json(raw), bad, null, label);
        }

        var mappings = $"{accounting}/mappings";
        yield return new("mappings", put, mappings, () => JsonOf(new { customers = new[] { new { clientId = unknown, externalId = "x" } }, reason = "r" }), [400, 404], null, "unknown client");
        yield return new("mappings", put, mappings, () => JsonOf(new { customers = new[] { new { clientId = x.ClientId, externalId = "no-such-customer" } }, reason = "r" }), [400, 404], null, "unknown customer");
        yield return new("mappings", put, mappings, () => JsonOf(new { items = new[] { new { itemId = x.ItemId, externalId = Megabyte } }, reason = "r" }), [400, 404], null, "1 MB item id");
        yield return new("mappings", put, mappings, () => JsonOf(new { customers = new[] { new { clientId = x.ClientId, externalId = "a" }, new { clientId = x.ClientId, externalId = "b" } }, reason = "r" }), bad, null, "same client twice");
        yield return new("mappings", put, mappings, () => Json("{\"customers\":{}}"), bad, null, "customers not a list");
        foreach (var (label, raw) in MalformedJson("reason"))
        {
            yield return new("malformed json", put, mappings, () => Json(raw), bad, null, label);
        }

        // ---- billing-sheet import (preview and commit)
        foreach (var (label, csv) in MalformedSheets())
        {
            yield return new("sheet csv", post, "/api/v1/imports/billing-sheet?commit=true", () => Csv(csv), [422], null, label) { ImportReport = true };
            yield return new("sheet csv", post, "/api/v1/imports/billing-sheet", () => Csv(csv), [200], null, "preview: " + label) { ImportReport = true };
        }

        // ---- PSA embed settings
        yield return new("urls", put, "/api/v1/psa/embed-settings", () => JsonOf(new { allowedOrigins = new[] { "javascript:alert(1)" } }), bad, "allowedOrigins", "javascript: origin");
        yield return new("urls", put, "/api/v1/psa/embed-settings", () => JsonOf(new { allowedOrigins = new[] { "https://" + Megabyte } }), bad, "allowedOrigins", "1 MB origin");
    }

    private static IEnumerable<(string Label, string Raw)> MalformedJson(string stringField = "name")
    {
        yield return ("truncated", "{\"name\":\"Trunc");
        yield return ("empty", "");
        yield return ("array", "[1,2,3]");
        yield return ("null", "null");
        yield return ("bare string", "\"hello\"");
        yield return ("trailing garbage", "{} }}}");
        yield return ("single quotes", "{'name':'x'}");
        yield return ("lone surrogate", $"{{\"{stringField}\":\"\\uD800\"}}");
        yield return ("invalid utf-8", "{\"" + stringField + "\":\"\uFFFF\"}");
        yield return ("deep nesting", new string('[', 5000) + new string(']', 5000));
    }

    private static IEnumerable<(string Label, string Csv)> MalformedSheets()
    {
        yield return ("empty file", "");
        yield return ("header only", "Client,Hourly Rate,Managed Workstation\n");
        yield return ("no client column", "Name,Rate\nAcme,150\n");
        yield return ("unbalanced quote", "Client,Hourly Rate,Managed Workstation\n\"Acme Dental,150,3\n");
        yield return ("binary", "\0\u0001\u0002PK\u0003\u0004garbage\u00ff");
        yield return ("json instead of csv", "{\"clients\":[{\"name\":\"x\"}]}");
        yield return ("duplicate client rows", "Client,Hourly Rate,Managed Workstation\nTwin Co,150,3\nTwin Co,150,4\n");
        yield return ("negative quantity", "Client,Hourly Rate,Managed Workstation\nNeg Co,150,-3\n");
        yield return ("huge quantity", "Client,Hourly Rate,Managed Workstation\nHuge Co,150,1e30\n");
        yield return ("rate as words", "Client,Hourly Rate,Managed Workstation\nWords Co,lots,3\n");
        yield return ("1 MB client name", $"Client,Hourly Rate,Managed Workstation\n{new string('n', 1024 * 1023)},150,3\n");
        yield return ("unknown service column", "Client,Hourly Rate,Teleportation Service\nAcme,150,3\n");
        yield return ("extra cells", "Client,Hourly Rate,Managed Workstation\nExtra Co,150,3,4,5,6\n");
    }

    private static IEnumerable<(string Label, string Csv)> MalformedFirewallCsv()
    {
        const string header = "tenantId,tenantName,serialNumber,friendlyName,model\n";
        yield return ("empty", "");
        yield return ("wrong header", "a,b,c\n1,2,3\n");
        yield return ("missing serial", header + "t1,Tenant One,,fw-1,TZ370\n");
        yield return ("duplicate serial", header + "t1,Tenant One,SN1,fw-1,TZ370\nt1,Tenant One,SN1,fw-2,TZ370\n");
        yield return ("unbalanced quote", header + "t1,\"Tenant One,SN1,fw-1,TZ370\n");
        yield return ("1 MB tenant id", header + new string('t', 1024 * 1000) + ",T,SN9,fw,TZ\n");
        yield return ("binary", "\0\u0001\u0002garbage");
    }
}
