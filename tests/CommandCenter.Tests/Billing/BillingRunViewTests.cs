using System.Text.Json;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Psa;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// Opening or fully refreshing a run returns the invoices it has just written (instead of reading all of them back):
/// what it returns must be exactly what a later read of the run returns. The clock is 15 November 2026.
/// </summary>
public sealed class BillingRunViewTests
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenAsync_FirstOpen_ReturnsExactlyWhatAReadOfTheRunReturns()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (runs, _) = await ArrangeAsync(db);

        var opened = await runs.OpenAsync(November, Ct);
        var read = await runs.FindAsync(November, Ct);

        opened.Invoices.Count.ShouldBe(2);
        opened.Invoices.SelectMany(i => i.Lines).ShouldContain(l => l.Provenance.Evidence.Count == 3 && l.Provenance.SnapshotUtc != null);
        Json(opened).ShouldBe(Json(read!));
    }

    [Fact]
    public async Task RefreshAsync_CountsChangedAndAnInvoiceApproved_ReturnsExactlyWhatAReadOfTheRunReturns()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (runs, snapshot) = await ArrangeAsync(db);
        var opened = await runs.OpenAsync(November, Ct);
        var harbor = opened.Invoices.Single(i => i.ClientName == "Harbor Dental");
        (await runs.ApproveAsync(November, [harbor.Id], Ct)).Approved.ShouldBe(1);
        await snapshot("harbor", 4);
        await snapshot("pinecrest", 4);

        var refreshed = await runs.RefreshAsync(November, syncFirst: false, Ct);
        var read = await runs.FindAsync(November, Ct);

        refreshed.Version.ShouldBeGreaterThan(opened.Version);
        refreshed.Invoices.Single(i => i.Id == harbor.Id).NewerCountsAvailable.ShouldBeTrue(); // approved: keeps its lines
        refreshed.Invoices.Single(i => i.ClientName == "Pinecrest Realty").Lines.ShouldContain(l => l.Quantity == 4);
        Json(refreshed).ShouldBe(Json(read!));
    }

    /// <summary>
    /// Everything a page or the API shows of the run, serialized, so every field of every line is compared. Amounts compare
    /// by value: a decimal read back from the database has lost trailing zeros (327.50 is read as 327.5 on SQLite, as
    /// 327.5000 on SQL Server), so the scale was never the same between a computed and a stored amount.
    /// </summary>
    private static string Json(RunView view) =>
        JsonSerializer.Serialize(new { view.RunId, view.Status, view.Version, view.RefreshedUtc, view.Totals, view.Invoices }, ByValue);

    private static readonly JsonSerializerOptions ByValue = new() { Converters = { new DecimalByValue() } };

    private sealed class DecimalByValue : System.Text.Json.Serialization.JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value / 1.0000000000000000000000000000m);
    }

    /// <summary>Two clients with NinjaOne workstations (3 each), a manual line, a closed Billable ticket, a one-off charge.</summary>
    private static async Task<(BillingRuns.Handler Runs, Func<string, int, Task> Snapshot)> ArrangeAsync(TestDatabase db)
    {
        var sync = new SyncConnection.Handler(db.Factory, new NoServices(), new CredentialProtector(new EphemeralDataProtectionProvider()),
            new SyncProgressTracker(db.Time), new SyncLocks(), db.NewLeases(), [], db.Time, NullLogger<SyncConnection.Handler>.Instance);
        var engine = new BillingRuns.Engine(new BillingEvents(), new BillingLocks(), db.Audit, db.Time, sync, db.Factory, NullLogger<BillingRuns.Engine>.Instance);
        var runs = new BillingRuns.Handler(db.TenantDb(), engine);
        var now = db.Time.GetUtcNow().UtcDateTime;

        var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
        var workstation = await items.CreateAsync(new SaveCatalogItem.Request("Managed Workstation", 45m, 12m), Ct);
        var backup = await items.CreateAsync(new SaveCatalogItem.Request("Cloud Backup", 35m, 12m), Ct);
        var clients = new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time);
        var harbor = await clients.CreateAsync(new SaveClient.Request("Harbor Dental", HourlyRate: 150m), Ct);
        var pinecrest = await clients.CreateAsync(new SaveClient.Request("Pinecrest Realty", HourlyRate: 175m), Ct);

        Guid ninja;
        await using (var ctx = db.Open())
        {
            var connection = new VendorConnection
            {
                Kind = VendorKind.NinjaOne, Name = "NinjaOne", BaseUrl = "https://example.test", ProtectedCredentials = "x",
                CreatedUtc = now, UpdatedUtc = now, LastStatus = SyncStatus.Succeeded, LastSuccessUtc = now,
            };
            ctx.VendorConnections.Add(connection);
            ctx.VendorOrganizations.AddRange(
                new VendorOrganization { ConnectionId = connection.Id, ExternalId = "harbor", Name = "Harbor Dental", ClientId = harbor, FirstSeenUtc = now, LastSeenUtc = now },
                new VendorOrganization { ConnectionId = connection.Id, ExternalId = "pinecrest", Name = "Pinecrest Realty", ClientId = pinecrest, FirstSeenUtc = now, LastSeenUtc = now });
            var ticket = new Ticket { ClientId = pinecrest, Number = 1001, Subject = "Printer offline", Status = TicketStatus.Closed, BillingClass = BillingClass.Billable, OpenedUtc = now.AddDays(-3), ClosedUtc = now.AddDays(-2) };
            ticket.TimeEntries.Add(new TimeEntry { Technician = "sam", WorkDate = new DateOnly(2026, 11, 12), Minutes = 50, CreatedUtc = now.AddDays(-3) });
            ctx.Tickets.Add(ticket);
            ctx.OneOffCharges.Add(new OneOffCharge { ClientId = harbor, Date = new DateOnly(2026, 11, 10), Description = "Dock", Quantity = 2, UnitPrice = 219.99m, CreatedUtc = now });
            await ctx.SaveChangesAsync(Ct);
            ninja = connection.Id;
        }

        async Task Snapshot(string organization, int workstations)
        {
            db.Time.Advance(TimeSpan.FromMinutes(1));
            await using var ctx = db.Open();
            ctx.CountSnapshots.Add(new CountSnapshot
            {
                ConnectionId = ninja, OrganizationExternalId = organization, Metric = Metrics.Devices, Count = workstations, TakenUtc = db.Time.GetUtcNow().UtcDateTime,
                Assets = [.. Enumerable.Range(1, workstations).Select(i => new VendorAsset
                {
                    ExternalId = $"{organization}-{i}", Name = $"{organization.ToUpperInvariant()}-WS-{i:00}", Class = AssetClasses.Workstation,
                    VendorClass = "WINDOWS_WORKSTATION", Status = "APPROVED", Counted = true, LastSeenUtc = db.Time.GetUtcNow().UtcDateTime.AddTicks(1234567),
                })],
            });
            await ctx.SaveChangesAsync(Ct);
        }

        await Snapshot("harbor", 3);
        await Snapshot("pinecrest", 3);
        var lines = new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time);
        var from = new DateOnly(2026, 1, 1);
        var bound = new SaveLine.VendorSource(ninja, SourceMetrics.Workstations);
        await lines.AddAsync(harbor, new SaveLine.Request(workstation, 0, EffectiveFrom: from, Source: bound), Ct);
        await lines.AddAsync(pinecrest, new SaveLine.Request(workstation, 0, EffectiveFrom: from, Source: bound), Ct);
        // Added in the middle of the month: prorated.
        await lines.AddAsync(pinecrest, new SaveLine.Request(backup, 1, EffectiveFrom: new DateOnly(2026, 11, 16)), Ct);
        return (runs, Snapshot);
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
