using System.Text.Json;
using CommandCenter.Billing;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// The billing loader reads snapshot evidence as JSON text and parses it itself (EF's owned-JSON reader was the slowest
/// part of a 5,000-client run): what it reads must be exactly what EF reads, field by field, for what EF wrote.
/// </summary>
public sealed class SnapshotEvidenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stored_SnapshotWrittenByEf_ParsesToExactlyWhatEfReads()
    {
        await using var db = await TestDatabase.CreateAsync();
        var snapshot = Snapshot();
        await using (var ctx = db.Open())
        {
            ctx.CountSnapshots.Add(snapshot);
            await ctx.SaveChangesAsync(Ct);
        }

        await using var read = db.Open();
        var byEf = await read.CountSnapshots.AsNoTracking().SingleAsync(s => s.Id == snapshot.Id, Ct);
        var text = await read.CountSnapshots.Join(SnapshotEvidence.Stored(read), s => s.Id, e => e.Id, (s, e) => e).SingleAsync(Ct);
        var assets = SnapshotEvidence.Assets(text.Assets);
        var licences = SnapshotEvidence.Licences(text.Licences);

        // Serialized the same way, every field (instants with their kind, decimals with their scale) must match.
        JsonSerializer.Serialize(assets).ShouldBe(JsonSerializer.Serialize(byEf.Assets));
        JsonSerializer.Serialize(licences).ShouldBe(JsonSerializer.Serialize(byEf.Licences));
        assets[0].LastSeenUtc.ShouldBe(new DateTime(2026, 11, 14, 22, 22, 25, DateTimeKind.Utc).AddTicks(6_568_708));
        assets[0].LastSeenUtc!.Value.Kind.ShouldBe(DateTimeKind.Utc);
        licences[0].Quantity.ShouldBe(38m);
        licences[0].UnitPrice.ShouldBe(12.50m);
        licences[0].RenewalDate.ShouldBe(new DateOnly(2027, 3, 1));
        licences[1].Assigned.ShouldBeNull();
    }

    [Fact]
    public async Task Stored_JoinedToTheTenantsSnapshots_ReadsNoOtherTenantsEvidence()
    {
        await using var db = await TestDatabase.CreateAsync();
        var other = await db.AddTenantAsync("Other MSP");
        var mine = Snapshot();
        var theirs = Snapshot();
        await using (var ctx = db.Open())
        {
            ctx.CountSnapshots.Add(mine);
            await ctx.SaveChangesAsync(Ct);
        }

        await using (var ctx = db.Open(other))
        {
            ctx.CountSnapshots.Add(theirs);
            await ctx.SaveChangesAsync(Ct);
        }

        await using var read = db.Open();
        var ids = await read.CountSnapshots.Join(SnapshotEvidence.Stored(read), s => s.Id, e => e.Id, (s, e) => e.Id).ToListAsync(Ct);

        ids.ShouldBe([mine.Id]);
    }

    private static CountSnapshot Snapshot() => new()
    {
        ConnectionId = Guid.NewGuid(),
        SyncRunId = Guid.NewGuid(),
        OrganizationExternalId = "org-1",
        Metric = Metrics.Devices,
        Count = 1,
        TakenUtc = new DateTime(2026, 11, 15, 11, 0, 0, DateTimeKind.Utc),
        Assets =
        [
            new VendorAsset
            {
                ExternalId = "1001", Name = "ACME-WS-01", Class = AssetClasses.Workstation, VendorClass = "WINDOWS_WORKSTATION", Status = "APPROVED",
                Counted = true, Online = true, LastSeenUtc = new DateTime(2026, 11, 14, 22, 22, 25, DateTimeKind.Utc).AddTicks(6_568_708),
                OperatingSystem = "Windows 11 Pro", Serial = "SN123",
            },
            new VendorAsset { ExternalId = "1002", Name = "ACME-WS-02", Class = AssetClasses.Other, Counted = false },
        ],
        Licences =
        [
            new LicenceSubscription
            {
                ExternalId = "sub-1", ProductId = "p-1", ProductName = "Microsoft 365 Business Standard", Sku = "MST-365-BS-M", VendorSkuId = "f245ecc8",
                Quantity = 38m, Assigned = 36.5m, Warning = 2m, Status = "Active", Counted = true, BillingTerm = "Monthly", CommitmentTerm = "1-Year",
                StartDate = new DateOnly(2026, 3, 1), RenewalDate = new DateOnly(2027, 3, 1), UnitPrice = 12.50m, UnitCost = 10.125m, Currency = "USD",
            },
            new LicenceSubscription { ExternalId = "sub-2", ProductId = "p-2", ProductName = "FLOW_FREE", Quantity = 10000m, Counted = false },
        ],
    };
}
