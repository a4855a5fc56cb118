using System.Text.Json;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Items = CommandCenter.Demo.DataGenerator.Items;

namespace CommandCenter.Tests.Demo;

public sealed class DataGeneratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Generate_SameSeed_GivesIdenticalClients()
    {
        var first = JsonSerializer.Serialize(DataGenerator.Generate(300, seed: 2026));
        var second = JsonSerializer.Serialize(DataGenerator.Generate(300, seed: 2026));

        second.ShouldBe(first);
    }

    [Fact]
    public void Generate_OtherSeed_GivesDifferentClients()
    {
        var first = DataGenerator.Generate(40, seed: 2026).Select(c => c.Name).ToList();
        var other = DataGenerator.Generate(40, seed: 2027).Select(c => c.Name).ToList();

        other.ShouldNotBe(first);
        JsonSerializer.Serialize(DataGenerator.Generate(40, seed: 2027)).ShouldNotBe(JsonSerializer.Serialize(DataGenerator.Generate(40, seed: 2026)));
    }

    [Fact]
    public void Generate_FiveThousandClients_HaveUniqueReadableNames()
    {
        var names = DataGenerator.Generate(5000, seed: 1).Select(c => c.Name).ToList();

        names.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(5000);
        names.ShouldAllBe(n => !n.Any(char.IsDigit) && n.Length <= Client.NameMaxLength && n.Contains(' '));
    }

    [Fact]
    public void Generate_PlanMix_StaysWithinRealisticBounds()
    {
        var clients = DataGenerator.Generate(2000, seed: 42);
        var catalog = DataGenerator.Catalog.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);

        clients.ShouldAllBe(c => c.HourlyRate >= 125m && c.HourlyRate <= 185m && c.HourlyRate % 5m == 0m);
        clients.SelectMany(c => c.Lines).ShouldAllBe(l => catalog.Contains(l.ItemName) && l.Quantity > 0);
        Share(clients, c => c.Size == ClientSize.SmallOffice).ShouldBeInRange(0.45, 0.65);
        Share(clients, c => c.Size == ClientSize.Large).ShouldBeInRange(0.07, 0.17);
        Share(clients, c => c.Notes is not null).ShouldBeInRange(0.2, 0.4);
        clients.Where(c => c.Plan == ServicePlan.TimeAndMaterials).ShouldNotBeEmpty();
        clients.Where(c => c.Plan == ServicePlan.TimeAndMaterials).ShouldAllBe(c => c.Lines.Count == 0);
        clients.Where(c => c.Plan == ServicePlan.BlockHours).ShouldNotBeEmpty();
        clients.Where(c => c.Plan == ServicePlan.BlockHours).ShouldAllBe(c => c.Lines.Single().ItemName == Items.BlockHours);

        var managed = clients.Where(c => c.Plan == ServicePlan.Managed).ToList();
        Share(clients, c => c.Plan == ServicePlan.Managed).ShouldBeInRange(0.8, 0.95);
        managed.Average(c => c.Lines.Count).ShouldBeInRange(5.5, 8.5);
        foreach (var c in managed)
        {
            var workstations = c.QuantityOf(Items.ManagedWorkstation);
            var servers = c.QuantityOf(Items.ManagedServer);
            var (low, high) = c.Size switch { ClientSize.SmallOffice => (3m, 15m), ClientSize.Mid => (16m, 40m), _ => (41m, 80m) };
            workstations.ShouldBeInRange(low, high, c.Name);
            servers.ShouldBeInRange(0m, 6m, c.Name);

            var licences = c.Lines.Where(l => Items.Microsoft365.Contains(l.ItemName)).ToList();
            licences.Count.ShouldBeInRange(1, 2, c.Name);
            licences[0].Quantity.ShouldBeInRange(Math.Floor(workstations * 0.8m), Math.Ceiling(workstations * 1.3m), c.Name);

            if (c.QuantityOf(Items.HuntressEdr) is > 0 and var agents)
            {
                agents.ShouldBeInRange(Math.Max(1, workstations + servers - 2), workstations + servers, c.Name);
            }

            c.QuantityOf(Items.FirewallManagement).ShouldBeInRange(0m, 2m, c.Name);
            c.QuantityOf(Items.CloudBackup).ShouldBeOneOf([0m, servers], c.Name);
        }

        var workstationLines = managed.Select(c => c.Lines.Single(l => l.ItemName == Items.ManagedWorkstation)).ToList();
        workstationLines.ShouldContain(l => l.Minimum > 0);
        workstationLines.ShouldContain(l => l.IncludedUnits > 0);
        workstationLines.ShouldContain(l => l.UnitPriceOverride != null);
        managed.ShouldContain(c => c.Lines.Count(l => Items.Microsoft365.Contains(l.ItemName)) == 2);
    }

    [Fact]
    public async Task WriteAsync_GeneratedClients_AreStoredWithCatalogAgreementsAndManualLines()
    {
        await using var db = await TestDatabase.CreateAsync();
        var specs = DataGenerator.Generate(30, seed: 5);

        GeneratorWriteResult result;
        await using (var ctx = db.Open())
        {
            result = await DataGenerator.WriteAsync(ctx, db.TenantId, specs, db.Time, Ct, batchSize: 7);
        }

        result.ShouldBe(new GeneratorWriteResult(DataGenerator.Catalog.Count, 30, specs.Sum(c => c.Lines.Count)));
        await using var check = db.Open();
        (await check.Agreements.CountAsync(Ct)).ShouldBe(30);
        var lines = await check.RecurringLines.AsNoTracking().ToListAsync(Ct);
        lines.Count.ShouldBe(result.Lines);
        lines.ShouldAllBe(l => l.SourceKind == QuantitySourceKind.Manual && l.EffectiveFrom == new DateOnly(2026, 11, 1) && l.EffectiveTo == null);

        // The client list shows each client's monthly recurring exactly as the specs price it.
        var prices = DataGenerator.Catalog.ToDictionary(i => i.Name, i => i.UnitPrice, StringComparer.Ordinal);
        var list = await new ListClients.Handler(db.TenantDb(), db.Time).HandleAsync(new ListClients.Request(PageSize: 100), Ct);
        list.Total.ShouldBe(30);
        foreach (var spec in specs)
        {
            var row = list.Items.Single(r => r.Name == spec.Name);
            row.HourlyRate.ShouldBe(spec.HourlyRate);
            row.LineCount.ShouldBe(spec.Lines.Count);
            row.MonthlyRecurring.ShouldBe(spec.Lines.Sum(l =>
                Money.RoundCents((l.UnitPriceOverride ?? prices[l.ItemName]) * RecurringLine.BilledQuantity(l.Quantity, l.IncludedUnits, l.Minimum))));
        }
    }

    private static double Share(IReadOnlyList<ClientSpec> clients, Func<ClientSpec, bool> predicate) =>
        (double)clients.Count(predicate) / clients.Count;
}
