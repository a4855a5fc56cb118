using Bunit;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using CommandCenter.Web.Features;
using CommandCenter.Web.Features.Clients.ClientDetail;
using CommandCenter.Web.Features.Settings.Billing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

public sealed class BillingAdminComponentTests : BunitContext
{
    private static readonly SourceOption Ninja = new(Guid.NewGuid(), "NinjaOne RMM", VendorKind.NinjaOne, SourceMetrics.For(VendorKind.NinjaOne), []);
    private static readonly SourceOption Pax8 = new(Guid.NewGuid(), "Pax8 licences", VendorKind.Pax8, SourceMetrics.For(VendorKind.Pax8), ["Microsoft 365 Business Premium"]);
    private static readonly CatalogItemDto Item = new(Guid.NewGuid(), "Managed Workstation", 45m, 10m, null, false, 0);

    public BillingAdminComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void LineForm_VendorWorkstations_HidesTheQuantityAndSavesTheBinding()
    {
        LineFormModel? saved = null;
        Render<MudPopoverProvider>();
        var model = new LineFormModel { ItemId = Item.Id, SourceKind = QuantitySourceKind.Vendor, ConnectionId = Ninja.ConnectionId, Metric = SourceMetrics.Workstations, EffectiveFrom = new DateTime(2026, 11, 1) };
        var cut = Render<LineForm>(p => p
            .Add(f => f.Items, [Item])
            .Add(f => f.Sources, [Ninja, Pax8])
            .Add(f => f.Model, model)
            .Add(f => f.OnSave, m => saved = m));

        cut.FindAll("[data-testid=line-quantity]").Count.ShouldBe(0);
        cut.FindAll("[data-testid=line-classes]").Count.ShouldBe(0);
        cut.Find("[data-testid=line-implied-class]").TextContent.ShouldContain("Workstation");
        cut.Find("form").Submit();

        saved.ShouldNotBeNull();
        var source = saved.ToRequest().Source.ShouldNotBeNull();
        source.ConnectionId.ShouldBe(Ninja.ConnectionId);
        source.Metric.ShouldBe(SourceMetrics.Workstations);
        source.Classes.ShouldBeNull();
        source.Product.ShouldBeNull();
    }

    [Fact]
    public void LineForm_VendorLicenceWithoutProduct_SaysSoAndDoesNotSave()
    {
        var saved = false;
        Render<MudPopoverProvider>();
        var cut = Render<LineForm>(p => p
            .Add(f => f.Items, [Item])
            .Add(f => f.Sources, [Ninja, Pax8])
            .Add(f => f.Model, new LineFormModel { ItemId = Item.Id, SourceKind = QuantitySourceKind.Vendor, ConnectionId = Pax8.ConnectionId, Metric = SourceMetrics.Licences, EffectiveFrom = new DateTime(2026, 11, 1) })
            .Add(f => f.OnSave, () => saved = true));

        cut.FindAll("[data-testid=line-basis]").Count.ShouldBe(1);
        cut.Find("form").Submit();

        cut.Markup.ShouldContain("A licence line needs the product it counts.");
        saved.ShouldBeFalse();
    }

    [Fact]
    public void LineFormModel_DevicesWithClasses_SendsTheClassesButManualSendsNoSource()
    {
        var devices = new LineFormModel { ItemId = Item.Id, SourceKind = QuantitySourceKind.Vendor, ConnectionId = Ninja.ConnectionId, Metric = SourceMetrics.Devices, Classes = ["Workstation", "Mobile"] };
        var manual = new LineFormModel { ItemId = Item.Id, SourceKind = QuantitySourceKind.Manual, Quantity = 4, ConnectionId = Ninja.ConnectionId, Metric = SourceMetrics.Devices, Classes = ["Workstation"] };

        devices.ToRequest().Source.ShouldNotBeNull().Classes.ShouldBe("Workstation,Mobile");
        manual.ToRequest().Source.ShouldBeNull();
        manual.ToRequest().Quantity.ShouldBe(4m);
    }

    [Fact]
    public void LineForm_ServerErrors_ShowAtTheirFields_AndGoWhenTheFieldChanges()
    {
        Render<MudPopoverProvider>();
        var errors = new FieldErrors(new Dictionary<string, string[]>
        {
            ["quantitySource.metric"] = ["A NinjaOne connection counts workstations, servers, devices, not licences."],
            ["description"] = ["Description must be at most 400 characters."],
            ["somethingElse"] = ["That vendor connection was deleted."],
        });
        var cut = Render<LineForm>(p => p
            .Add(f => f.Items, [Item])
            .Add(f => f.Sources, [Ninja])
            .Add(f => f.Model, new LineFormModel { ItemId = Item.Id, SourceKind = QuantitySourceKind.Vendor, ConnectionId = Ninja.ConnectionId, Metric = SourceMetrics.Devices, EffectiveFrom = new DateTime(2026, 11, 1) })
            .Add(f => f.Errors, errors));

        FieldOf(cut, "line-metric").TextContent.ShouldContain("counts workstations, servers, devices, not licences");
        FieldOf(cut, "line-description").TextContent.ShouldContain("at most 400 characters");
        cut.Find("[data-testid=line-error]").TextContent.ShouldBe("That vendor connection was deleted.");

        cut.Find("input[data-testid=line-description]").Change("Endpoints");

        FieldOf(cut, "line-description").TextContent.ShouldNotContain("at most 400 characters");
        FieldOf(cut, "line-metric").TextContent.ShouldContain("not licences");
    }

    [Fact]
    public async Task BillingSettingsPage_NumberTooLong_PreviewWarnsAndSaveShowsTheErrorAtThePrefix()
    {
        await using var db = await TestDatabase.CreateAsync();
        AddSettingsPage(db, Roles.Owner);
        var cut = Render<BillingSettingsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=settings-number-preview]").GetAttribute("data-number").ShouldBe("CC-1001"));

        cut.Find("input[data-testid=settings-invoice-prefix]").Input("ACME-INV-");
        cut.Find("input[data-testid=settings-next-number]").Input("1001");

        var preview = cut.Find("[data-testid=settings-number-preview]");
        preview.GetAttribute("data-too-long").ShouldBe("true");
        preview.TextContent.ShouldContain("13 of 11 characters");
        cut.Find("[data-testid=settings-save]").Click();
        cut.WaitForAssertion(() => FieldOf(cut, "settings-invoice-prefix").TextContent.ShouldContain("QuickBooks Desktop's 11 characters"));
        (await new BillingSettingsStore.Handler(db.TenantDb(), db.Audit, db.Time).GetAsync(Xunit.TestContext.Current.CancellationToken)).InvoicePrefix.ShouldBe("CC-");
    }

    [Fact]
    public async Task BillingSettingsPage_BillingRole_ReadsWithoutSave()
    {
        await using var db = await TestDatabase.CreateAsync();
        AddSettingsPage(db, Roles.Billing);

        var cut = Render<BillingSettingsPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=settings-read-only]").TextContent.ShouldContain("Only an Owner"));
        cut.FindAll("[data-testid=settings-save]").Count.ShouldBe(0);
        cut.Find("input[data-testid=settings-invoice-prefix]").HasAttribute("readonly").ShouldBeTrue();
    }

    private void AddSettingsPage(TestDatabase db, string role)
    {
        Services.AddSingleton<TenantDb>(db.TenantDb());
        Services.AddSingleton<TimeProvider>(db.Time);
        Services.AddSingleton(db.Audit);
        Services.AddScoped<BillingSettingsStore.Handler>();
        Services.AddScoped<SaveCatalogItem.Handler>();
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.local");
        auth.SetRoles(role);
        Render<MudPopoverProvider>();
    }

    /// <summary>The whole MudBlazor field (input, helper and error text) around the element with the test id.</summary>
    private static AngleSharp.Dom.IElement FieldOf<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid={testId}]").Closest(".mud-input-control") ?? throw new InvalidOperationException(testId);
}
