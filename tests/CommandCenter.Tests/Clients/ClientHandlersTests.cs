using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Clients;

public sealed class ClientHandlersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddLine_ManualLine_IsListedWithBilledQuantityAndAudited()
    {
        await using var db = await TestDatabase.CreateAsync();
        var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
        var clients = new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time);
        var lines = new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time);
        var itemId = await items.CreateAsync(new SaveCatalogItem.Request("Managed Workstation", 45m, 12m), Ct);
        var clientId = await clients.CreateAsync(new SaveClient.Request("Acme Dental"), Ct);

        await lines.AddAsync(clientId, new SaveLine.Request(itemId, Quantity: 9, IncludedUnits: 5, Minimum: 2), Ct);

        var detail = await new GetClient.Handler(db.TenantDb(), db.Time).HandleAsync(clientId, Ct);
        var line = detail.Lines.ShouldHaveSingleItem();
        line.BilledQuantity.ShouldBe(4m);
        line.MonthlyAmount.ShouldBe(180.00m);
        line.EffectiveFrom.ShouldBe(new DateOnly(2026, 11, 1));
        await using var ctx = db.Open();
        (await ctx.AuditEntries.Select(a => a.Action).ToListAsync(Ct)).ShouldBe(["catalog-item.created", "client.created", "line.created"], ignoreOrder: true);
    }

    [Fact]
    public async Task AddLine_EndBeforeStart_IsRefusedWithFieldError()
    {
        await using var db = await TestDatabase.CreateAsync();
        var itemId = await new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveCatalogItem.Request("Server", 150m), Ct);
        var clientId = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Acme"), Ct);
        var lines = new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => lines.AddAsync(clientId,
            new SaveLine.Request(itemId, 1, EffectiveFrom: new DateOnly(2026, 11, 10), EffectiveTo: new DateOnly(2026, 11, 1)), Ct));

        error.Errors.ShouldContainKey("effectiveTo");
        await using var ctx = db.Open();
        (await ctx.RecurringLines.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task GetClient_OfAnotherTenant_IsNotFound()
    {
        await using var db = await TestDatabase.CreateAsync();
        var otherTenant = await db.AddTenantAsync("Other MSP");
        var otherClient = await new SaveClient.Handler(db.TenantDb(otherTenant), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Their Client"), Ct);

        await Should.ThrowAsync<NotFoundException>(() => new GetClient.Handler(db.TenantDb(), db.Time).HandleAsync(otherClient, Ct));
        var list = await new ListClients.Handler(db.TenantDb(), db.Time).HandleAsync(new ListClients.Request(), Ct);
        list.Total.ShouldBe(0);
    }

    [Fact]
    public async Task CreateClient_DuplicateNameInAnyCase_IsRefused()
    {
        await using var db = await TestDatabase.CreateAsync();
        var clients = new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time);
        await clients.CreateAsync(new SaveClient.Request("Acme Dental"), Ct);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => clients.CreateAsync(new SaveClient.Request("  ACME dental "), Ct));

        error.Errors["name"].ShouldHaveSingleItem().ShouldContain("already exists");
    }
}
