using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>
/// Tenant isolation over every route the app maps (issue 8): tenant B ("Other MSP", its API key and its signed-in
/// Owner) calls each route with tenant A's ("Demo MSP") real ids and each method the route accepts. A route naming one
/// of A's records answers 404 — the same as a record that does not exist, never a 403 that tells it exists, never a
/// 500 — and no answer B gets carries A's names or ids; A's data is the same afterwards, row for row.
/// </summary>
public sealed class TenantIsolationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BillingPeriod Month => BillingPeriod.Of(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime));

    /// <summary>Route parameters that name one tenant-owned record: a route with one of these must answer 404 to another tenant.</summary>
    private static readonly HashSet<string> RecordParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "clientId", "lineId", "itemId", "connectionId", "ticketId", "entryId", "invoiceId", "chargeId", "exportId", "token",
    };

    /// <summary>
    /// Routes that take no record id in the path but do in the body: B sends A's ids there. Every other route without a
    /// record id acts on the caller's own tenant (B's), so B only reads it (GET) and must find none of A's data.
    /// </summary>
    private static Dictionary<string, Func<TenantAIds, HttpContent>> BodyProbes => new()
    {
        ["POST /api/v1/billing-runs/{period}/approve"] = a => Probe.Json($$"""{ "invoiceIds": ["{{a.InvoiceId}}"] }"""),
        ["POST /api/v1/billing-runs/{period}/post"] = a => Probe.Json($$"""{ "invoiceIds": ["{{a.InvoiceId}}"] }"""),
        ["POST /api/v1/billing-runs/{period}/corrections"] = a => Probe.Json($$"""{ "invoiceId": "{{a.InvoiceId}}", "kind": "credit-memo", "lines": [{ "description": "probe", "quantity": 1, "unitPrice": 1.00 }], "reason": "probe" }"""),
        ["POST /api/v1/tickets"] = a => Probe.Json($$"""{ "clientId": "{{a.ClientId}}", "subject": "probe" }"""),
        ["POST /api/v1/block-hours"] = a => Probe.Json($$"""{ "clientId": "{{a.ClientId}}", "hours": 10, "price": 100.00, "purchasedOn": "{{a.Today:yyyy-MM-dd}}" }"""),
        ["POST /api/v1/charges"] = a => Probe.Json($$"""{ "clientId": "{{a.ClientId}}", "date": "{{a.Today:yyyy-MM-dd}}", "description": "probe", "quantity": 1, "unitPrice": 1.00, "itemId": "{{a.ItemId}}", "reason": "probe" }"""),
        ["POST /api/v1/time-entries/batch"] = a => Probe.Json($$"""{ "entries": [{ "externalId": "iso-probe-1", "clientId": "{{a.ClientId}}", "ticketExternalId": "iso-probe", "technician": "probe", "workDate": "{{a.Today:yyyy-MM-dd}}", "minutes": 30 }] }"""),
        ["PUT /api/v1/accounting-connection/mappings"] = a => Probe.Json($$"""{ "customers": [{ "clientId": "{{a.ClientId}}", "externalId": "probe" }], "items": [{ "itemId": "{{a.ItemId}}", "externalId": "probe" }], "reason": "probe" }"""),
    };

    [Fact]
    public async Task EveryRoute_OtherTenantWithThisTenantsIds_NotFoundNothingLeakedNothingChanged()
    {
        var a = await PrepareTenantAAsync();
        var before = await SnapshotAsync(a.TenantId);
        using var bApi = app.ApiClient(DemoSeeder.OtherApiKey);
        using var bCookie = await CookieSession.SignInAsync(app, DemoSeeder.OtherOwnerEmail, DemoSeeder.DemoPassword, Ct);

        var routes = AppRoutes.Enumerate(app);
        var failures = new List<string>();
        var probes = 0;
        foreach (var route in routes)
        {
            var unknown = route.Parameters.Where(p => a.Resolve(p) is null).ToList();
            if (unknown.Count > 0)
            {
                failures.Add($"{route}: no tenant-A value for parameter(s) {string.Join(", ", unknown)} — teach TenantAIds.Resolve");
                continue;
            }

            var namesRecord = route.Parameters.Any(RecordParameters.Contains);
            HttpContent? body;
            if (namesRecord)
            {
                body = PathBody(route, a);
            }
            else if (BodyProbes.TryGetValue(route.Key, out var make))
            {
                body = make(a);
            }
            else if (route.Method == "GET")
            {
                body = null;
            }
            else
            {
                continue; // acts on B's own tenant with nothing of A's in it
            }

            var path = AppRoutes.Fill(route, p => a.Resolve(p)!) + (route.Method == "DELETE" ? "?reason=probe" : "");
            var client = route.Kind == RouteKind.Api ? bApi : bCookie;
            var sent = path + (body is null ? "" : await body.ReadAsStringAsync(Ct));
            var (status, text) = await Probe.SendAsync(client, route.Method, path, body, Ct);
            probes++;

            if (status is HttpStatusCode.InternalServerError or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                failures.Add($"{route}: {(int)status} for {path}");
            }
            else if (namesRecord && route.Kind == RouteKind.Page)
            {
                // The page's first, server-side render (no circuit needed): the app's 404 with its not-found page.
                if (status != HttpStatusCode.NotFound || !text.Contains("Page not found", StringComparison.Ordinal))
                {
                    failures.Add($"{route}: {(int)status} {(text.Contains("Page not found", StringComparison.Ordinal) ? "with" : "without")} the not-found page for {path}");
                }
            }
            else if (route.Key == "POST /api/v1/time-entries/batch")
            {
                // Per-entry results by design (200): the entry naming A's client is invalid, as for a client that does not exist.
                if (!text.Contains("\"created\":0", StringComparison.Ordinal) || !text.Contains("needs an existing clientId", StringComparison.Ordinal))
                {
                    failures.Add($"{route}: an entry naming tenant A's client was not refused like an unknown one: {Excerpt(text)}");
                }
            }
            else if (namesRecord && status != HttpStatusCode.NotFound)
            {
                failures.Add($"{route}: {(int)status} (expected 404) for {path}: {Excerpt(text)}");
            }
            else if (!namesRecord && (int)status is >= 200 and < 300 && route.Method != "GET")
            {
                failures.Add($"{route}: {(int)status} for a body naming tenant A's records: {Excerpt(text)}");
            }

            if (a.LeakIn(text, sent) is { } leaked)
            {
                failures.Add($"{route}: the answer to {path} carries tenant A's {leaked}");
            }
        }

        var after = await SnapshotAsync(a.TenantId);
        failures.AddRange(Diff(before, after));
        var api = routes.Count(r => r.Kind == RouteKind.Api);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"isolation: {routes.Count} routes ({api} API, {routes.Count(r => r.Kind == RouteKind.Page)} pages, {routes.Count(r => r.Kind == RouteKind.Http)} other), " +
            $"{probes} probes as tenant B with tenant A's ids, {failures.Count} failures, {before.Count} tenant-A rows compared");
        failures.ShouldBeEmpty();
        probes.ShouldBeGreaterThan(60);
    }

    [Fact]
    public async Task ListsAndSearches_OtherTenant_ShowOnlyItsOwnClients()
    {
        var a = await PrepareTenantAAsync();
        using var bApi = app.ApiClient(DemoSeeder.OtherApiKey);
        var someName = a.ClientNames.First();

        var clients = await bApi.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=100", Ct);
        clients.GetProperty("total").GetInt32().ShouldBe(DemoSeeder.OtherClientCount);
        var search = await bApi.GetFromJsonAsync<JsonElement>($"/api/v1/clients?search={Uri.EscapeDataString(someName)}", Ct);
        search.GetProperty("total").GetInt32().ShouldBe(0);
        var tickets = await bApi.GetFromJsonAsync<JsonElement>($"/api/v1/tickets?clientId={a.ClientId}", Ct);
        tickets.GetProperty("total").GetInt32().ShouldBe(0);
        var blocks = await bApi.GetFromJsonAsync<JsonElement>($"/api/v1/block-hours?clientId={a.ClientId}", Ct);
        blocks.GetProperty("total").GetInt32().ShouldBe(0);
        var charges = await bApi.GetFromJsonAsync<JsonElement>($"/api/v1/charges?clientId={a.ClientId}", Ct);
        charges.GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task SyncJobs_EachConnectionsJob_RunsForThatConnectionsTenantOnly()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        // Reads every tenant's connections on purpose: the check is that each job carries its own connection's tenant.
        var connections = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).ToDictionaryAsync(c => c.Id, c => c.TenantId, Ct);
        var scheduler = await app.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(Ct);

        var keys = await scheduler.GetJobKeys(Quartz.GroupMatcher<Quartz.JobKey>.GroupEquals(CommandCenter.VendorSync.SyncScheduler.Group), Ct);

        keys.Count.ShouldBe(connections.Count);
        foreach (var key in keys)
        {
            var data = (await scheduler.GetJobDetail(key, Ct))!.JobDataMap;
            var connectionId = Guid.Parse(data.GetString(CommandCenter.VendorSync.SyncConnectionJob.ConnectionKey)!);
            key.ShouldBe(CommandCenter.VendorSync.SyncScheduler.JobKeyFor(connectionId));
            Guid.Parse(data.GetString(CommandCenter.VendorSync.SyncConnectionJob.TenantKey)!).ShouldBe(connections[connectionId]);
        }
    }

    private static HttpContent? PathBody(AppRoute route, TenantAIds a) => (route.Method, route.Pattern) switch
    {
        ("PUT", "/api/v1/clients/{clientId:guid}") => Probe.Json("""{ "name": "Probe", "status": "active" }"""),
        ("POST" or "PUT", "/api/v1/clients/{clientId:guid}/lines" or "/api/v1/clients/{clientId:guid}/lines/{lineId:guid}") =>
            Probe.Json($$"""{ "itemId": "{{a.ItemId}}", "unitPrice": 1.00, "quantitySource": { "kind": "manual", "quantity": 1 }, "reason": "probe" }"""),
        ("PUT", "/api/v1/clients/{clientId:guid}/agreement") => Probe.Json("""{ "timeIncrementMinutes": 15, "reason": "probe" }"""),
        ("PUT", "/api/v1/catalog-items/{itemId:guid}") => Probe.Json("""{ "name": "Probe", "unitPrice": 1.00 }"""),
        ("PUT", "/api/v1/vendor-connections/{connectionId:guid}") => Probe.Json("""{ "kind": "ninjaone", "name": "Probe", "baseUrl": "http://127.0.0.1:9/", "scheduleMinutes": 60, "enabled": true }"""),
        ("POST", "/api/v1/vendor-connections/{connectionId:guid}/firewall-inventory") => Probe.Csv("tenantId,tenantName,serialNumber,friendlyName,model\n1,Probe,SNPROBE1,fw,TZ370\n"),
        ("PUT", "/api/v1/vendor-connections/{connectionId:guid}/organizations/{externalId}/mapping") => Probe.Json("""{ "ignored": true, "reason": "probe" }"""),
        ("PUT", "/api/v1/vendor-connections/{connectionId:guid}/usage-mappings/{metric}/{key}") => Probe.Json($$"""{ "catalogItemId": "{{a.ItemId}}" }"""),
        ("POST", "/api/v1/tickets/{ticketId:guid}/time-entries") => Probe.Json($$"""{ "technician": "probe", "workDate": "{{a.Today:yyyy-MM-dd}}", "minutes": 30 }"""),
        ("POST", "/api/v1/tickets/{ticketId:guid}/close") => Probe.Json("""{ "billingClass": "Included" }"""),
        ("PUT", "/api/v1/time-entries/{entryId:guid}/billing-class") => Probe.Json("""{ "billingClass": "Billable", "reason": "probe" }"""),
        ("POST", "/api/v1/billing-runs/{period}/invoices/{invoiceId:guid}/adjustments") => Probe.Json($$"""{ "lineKey": "{{a.LineKey}}", "quantity": 1, "reason": "probe" }"""),
        ("POST", "/api/v1/billing-runs/{period}/invoices/{invoiceId:guid}/unapprove") => Probe.Json("""{ "reason": "probe" }"""),
        ("POST", "/embed/close/{token}") => new FormUrlEncodedContent(new Dictionary<string, string> { ["billingClass"] = "Included" }),
        _ => null,
    };

    /// <summary>Tenant A with a record of every kind a route can name: this month's run opened, a charge, an IIF export, an embed link.</summary>
    private async Task<TenantAIds> PrepareTenantAAsync()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        await DemoReady.HistoryAsync(app, Ct);
        await DemoReady.AccountingAsync(app, Ct);
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        Guid tenantId;
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            tenantId = await db.Tenants.Where(t => t.Name == DemoSeeder.DemoTenantName).Select(t => t.Id).SingleAsync(Ct);
        }

        using var aApi = app.ApiClient(DemoSeeder.DemoApiKey);
        await using var ctx = factory.CreateDbContext().ForTenant(tenantId, "test");
        var run = await aApi.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{Month}?pageSize=100", Ct);
        var invoices = run.GetProperty("invoices").GetProperty("items").EnumerateArray().ToList();
        var linesByClient = await ctx.RecurringLines.Join(ctx.Agreements, l => l.AgreementId, g => g.Id, (l, g) => new { Line = l, g.ClientId }).ToListAsync(Ct);
        var invoice = invoices.First(i => i.GetProperty("lines").GetArrayLength() > 0 && linesByClient.Any(l => l.ClientId == i.GetProperty("clientId").GetGuid()));
        var clientId = invoice.GetProperty("clientId").GetGuid();
        var lineKey = invoice.GetProperty("lines").EnumerateArray().First().GetProperty("key").GetString()!;
        var line = linesByClient.First(l => l.ClientId == clientId).Line;
        var connection = await ctx.VendorConnections.OrderBy(c => c.Name).FirstAsync(c => ctx.UsageMappings.Any(u => u.ConnectionId == c.Id), Ct);
        var organization = await ctx.VendorOrganizations.FirstAsync(o => o.ConnectionId == connection.Id, Ct);
        var usage = await ctx.UsageMappings.FirstAsync(u => u.ConnectionId == connection.Id, Ct);
        var entry = await ctx.TimeEntries.FirstAsync(Ct);

        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var charge = await aApi.PostAsJsonAsync("/api/v1/charges", new { clientId, date = today, description = "Isolation probe target", quantity = 1, unitPrice = 12.34m, itemId = line.CatalogItemId, reason = "isolation suite" }, Ct);
        charge.StatusCode.ShouldBe(HttpStatusCode.Created, await charge.Content.ReadAsStringAsync(Ct));
        var chargeId = (await charge.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var content = Encoding.Latin1.GetBytes("!TRNS\tTRNSID\tTRNSTYPE\r\n!ENDTRNS\r\n");
        var runRow = await ctx.BillingRuns.SingleAsync(r => r.Period == Month.Start, Ct);
        var export = new IifExport
        {
            RunId = runRow.Id,
            Period = Month.Start,
            Documents = 1,
            Total = 1m,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Content = content,
            FileName = $"billing-{Month}.iif",
            ExportedBy = "test",
            ExportedUtc = TimeProvider.System.GetUtcNow().UtcDateTime,
        };
        ctx.IifExports.Add(export);
        await ctx.SaveChangesAsync(Ct);

        var link = await aApi.PostAsync($"/api/v1/tickets/{entry.TicketId}/embed-link", null, Ct);
        link.StatusCode.ShouldBe(HttpStatusCode.OK, await link.Content.ReadAsStringAsync(Ct));
        var url = (await link.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("url").GetString()!;
        var token = url[(url.LastIndexOf('/') + 1)..];
        // A's real link is a bearer credential by design (anyone holding it may close that one ticket); B gets a tampered one.
        var tampered = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var otherNames = await ctx.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(c => c.TenantId != tenantId).Select(c => c.Name).ToListAsync(Ct);
        var names = await ctx.Clients.Select(c => c.Name).ToListAsync(Ct);
        var clientIds = await ctx.Clients.Select(c => c.Id).ToListAsync(Ct);
        var ticketIds = await ctx.Tickets.Select(t => t.Id).ToListAsync(Ct);
        var invoiceIds = await ctx.Invoices.Select(i => i.Id).ToListAsync(Ct);
        var connectionIds = await ctx.VendorConnections.Select(c => c.Id).ToListAsync(Ct);
        return new TenantAIds(tenantId, today, clientId, line.Id, line.CatalogItemId, connection.Id, organization.ExternalId, usage.Metric, usage.Key,
            entry.TicketId, entry.Id, invoice.GetProperty("id").GetGuid(), lineKey, chargeId, export.Id, tampered,
            names.Except(otherNames).Where(n => n.Length >= 6).ToList(),
            [.. clientIds, .. ticketIds, .. invoiceIds, .. connectionIds, line.Id, line.CatalogItemId, entry.Id, chargeId, export.Id]);
    }

    /// <summary>Every tenant-owned row of tenant A (scalar columns), keyed by type and id — except what background work moves on its own.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync(Guid tenantId)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = factory.CreateDbContext().ForTenant(tenantId, "test");
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in typeof(AppDbContext).GetProperties().Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>)))
        {
            var type = set.PropertyType.GetGenericArguments()[0];
            if (!typeof(ITenantOwned).IsAssignableFrom(type) || MovesOnItsOwn.Contains(type.Name))
            {
                continue;
            }

            var entities = await ((IQueryable<object>)set.GetValue(db)!).ToListAsync(Ct);
            foreach (var entity in entities)
            {
                var entry = db.Entry(entity);
                var key = string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue));
                rows[$"{type.Name}:{key}"] = string.Join("|", entry.Properties
                    .Where(p => !VolatileColumns.Contains(p.Metadata.Name))
                    .Select(p => $"{p.Metadata.Name}={Format(p.CurrentValue)}"));
            }
        }

        return rows;
    }

    /// <summary>Sync history and snapshots are written by the scheduler, not by any request.</summary>
    private static readonly HashSet<string> MovesOnItsOwn = ["SyncRun", "CountSnapshot"];

    private static readonly HashSet<string> VolatileColumns = ["LastUsedUtc"];

    private static string Format(object? value) => value switch
    {
        null => "∅",
        byte[] bytes => Convert.ToHexString(SHA256.HashData(bytes)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static IEnumerable<string> Diff(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        foreach (var (key, value) in before)
        {
            if (!after.TryGetValue(key, out var now))
            {
                yield return $"tenant A lost {key}";
            }
            else if (now != value)
            {
                yield return $"tenant A's {key} changed: {value} → {now}";
            }
        }

        foreach (var key in after.Keys.Except(before.Keys))
        {
            yield return $"tenant A gained {key}: {after[key]}";
        }
    }

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Tenant A's records, one of each kind a route names, and the markers of its data.</summary>
    private sealed record TenantAIds(
        Guid TenantId, DateOnly Today, Guid ClientId, Guid LineId, Guid ItemId, Guid ConnectionId, string ExternalId, string Metric, string Key,
        Guid TicketId, Guid EntryId, Guid InvoiceId, string LineKey, Guid ChargeId, Guid ExportId, string Token,
        IReadOnlyList<string> ClientNames, IReadOnlyList<Guid> Ids)
    {
        /// <summary>Tenant A's value for a route parameter, by name; null for a parameter this suite does not know yet.</summary>
        public string? Resolve(string parameter) => parameter.ToLowerInvariant() switch
        {
            "clientid" => ClientId.ToString(),
            "lineid" => LineId.ToString(),
            "itemid" => ItemId.ToString(),
            "connectionid" => ConnectionId.ToString(),
            "externalid" => ExternalId,
            "metric" => Metric,
            "key" => Key,
            "ticketid" => TicketId.ToString(),
            "entryid" => EntryId.ToString(),
            "invoiceid" => InvoiceId.ToString(),
            "chargeid" => ChargeId.ToString(),
            "exportid" => ExportId.ToString(),
            "token" => Token,
            "period" => Month.ToString(),
            "documentname" => "v1",
            _ => null,
        };

        /// <summary>A's name or id in an answer, other than the ids the probe itself sent (an error may echo those).</summary>
        public string? LeakIn(string text, string sent)
        {
            var name = ClientNames.FirstOrDefault(n => text.Contains(n, StringComparison.Ordinal) || text.Contains(WebUtility.HtmlEncode(n), StringComparison.Ordinal));
            if (name is not null)
            {
                return $"client name \"{name}\"";
            }

            var id = Ids.FirstOrDefault(i => !sent.Contains(i.ToString(), StringComparison.OrdinalIgnoreCase) && text.Contains(i.ToString(), StringComparison.OrdinalIgnoreCase));
            return id == Guid.Empty ? null : $"id {id}";
        }
    }
}
