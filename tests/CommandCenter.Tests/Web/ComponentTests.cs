using Bunit;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.Tests.Support;
using CommandCenter.Web.Features.Clients.ClientDetail;
using CommandCenter.Web.Features.Clients.ClientList;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

public sealed class ComponentTests : BunitContext
{
    public ComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void LineForm_SubmittedEmpty_ShowsRequiredMessagesAndDoesNotSave()
    {
        var saved = false;
        Render<MudPopoverProvider>();
        var cut = Render<LineForm>(p => p
            .Add(f => f.Items, [new CatalogItemDto(Guid.NewGuid(), "Managed Server", 150m, 40m, null, false, 0)])
            .Add(f => f.Model, new LineFormModel())
            .Add(f => f.OnSave, () => saved = true));

        cut.Find("form").Submit();

        cut.Markup.ShouldContain("Choose a catalog item.");
        cut.Markup.ShouldContain("Enter a quantity.");
        saved.ShouldBeFalse();
    }

    [Fact]
    public void LineForm_EndBeforeStart_ShowsDateErrorAndDoesNotSave()
    {
        var saved = false;
        Render<MudPopoverProvider>();
        var cut = Render<LineForm>(p => p
            .Add(f => f.Items, [new CatalogItemDto(Guid.NewGuid(), "Managed Server", 150m, 40m, null, false, 0)])
            .Add(f => f.Model, new LineFormModel
            {
                ItemId = Guid.NewGuid(),
                Quantity = 1,
                EffectiveFrom = new DateTime(2026, 11, 10),
                EffectiveTo = new DateTime(2026, 11, 1),
            })
            .Add(f => f.OnSave, () => saved = true));

        cut.Find("form").Submit();

        cut.Markup.ShouldContain("The end date must be after the start date");
        saved.ShouldBeFalse();
    }

    [Fact]
    public void LineForm_NegativeQuantity_ShowsRangeError()
    {
        Render<MudPopoverProvider>();
        var cut = Render<LineForm>(p => p
            .Add(f => f.Items, [])
            .Add(f => f.Model, new LineFormModel { ItemId = Guid.NewGuid(), Quantity = -1, EffectiveFrom = new DateTime(2026, 11, 1) }));

        cut.Find("form").Submit();

        cut.Markup.ShouldContain("Quantity must be between 0 and 1,000,000.");
    }

    [Fact]
    public async Task ClientsPage_WithSearchInUrl_ListsOnlyMatchingClientsOfTheTenant()
    {
        var db = await TestDatabase.CreateAsync();
        var clients = new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time);
        await clients.CreateAsync(new SaveClient.Request("Harbor Dental"), Xunit.TestContext.Current.CancellationToken);
        await clients.CreateAsync(new SaveClient.Request("Harbor Logistics"), Xunit.TestContext.Current.CancellationToken);
        await clients.CreateAsync(new SaveClient.Request("Summit Law"), Xunit.TestContext.Current.CancellationToken);
        var other = await db.AddTenantAsync("Other");
        await new SaveClient.Handler(db.TenantDb(other), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Harbor Other Tenant"), Xunit.TestContext.Current.CancellationToken);
        Services.AddSingleton<TenantDb>(db.TenantDb());
        Services.AddSingleton<TimeProvider>(db.Time);
        Services.AddScoped<ListClients.Handler>();
        Services.AddScoped<SaveClient.Handler>();
        Services.AddSingleton(db.Audit);
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/clients?q=harbor");

        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=client-row]").Count.ShouldBe(2));
        cut.Markup.ShouldContain("Harbor Dental");
        cut.Markup.ShouldNotContain("Summit Law");
        cut.Markup.ShouldNotContain("Harbor Other Tenant");
        cut.Find("[data-testid=client-count]").TextContent.ShouldBe("1–2 of 2 clients");
        await db.DisposeAsync();
    }
}
