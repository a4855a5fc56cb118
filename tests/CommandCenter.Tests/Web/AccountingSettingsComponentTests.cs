using Bunit;
using CommandCenter.Accounting;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Tests.Accounting;
using CommandCenter.Web.Features.Settings.Accounting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

public sealed class AccountingSettingsComponentTests : BunitContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public AccountingSettingsComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public async Task Page_AfterImport_ShowsSummaryAndSuggestions_AcceptStoresTheMapping()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        AddPage(f);

        var cut = Render<AccountingSettingsPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=accounting-status]").GetAttribute("data-status").ShouldBe("connected")); // the import reached the target
        cut.Find("[data-testid=accounting-imported-customers]").GetAttribute("data-count").ShouldBe("5");
        var summary = cut.Find("[data-testid=mapping-summary][data-side=customers]");
        summary.TextContent.ShouldContain("0 of 4 clients mapped");
        cut.Find("[data-testid=mapping-accept-all]").TextContent.ShouldContain("Accept all 3 suggestions");
        var bluebird = f.Clients["Bluebird Insurance Agency"];
        var row = cut.Find($"[data-testid=mapping-row][data-client-id='{bluebird}']");
        row.QuerySelector("[data-testid=mapping-suggestion]")!.GetAttribute("data-reason").ShouldBe("same name");
        // Secrets are never shown: the password fields are empty and say what is stored.
        cut.Find("input[data-testid=accounting-secret-key]").GetAttribute("value").ShouldBeNullOrEmpty();
        cut.Markup.ShouldContain("stored: end user end_…01");
        cut.Markup.ShouldNotContain("sk_test_123456789");

        row.QuerySelector("[data-testid=mapping-suggestion-accept]")!.Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=mapping-summary][data-side=customers]").TextContent.ShouldContain("1 of 4 clients mapped"));
        await using var ctx = f.Db.Open();
        (await ctx.Clients.SingleAsync(c => c.Id == bluebird, Ct)).AccountingCustomerRef.ShouldBe("80000001-1600000000");
        (await ctx.Clients.CountAsync(c => c.AccountingCustomerRef != null, Ct)).ShouldBe(1); // only the accepted one
    }

    [Fact]
    public async Task Page_SaveWithoutCredentials_ShowsTheErrorsAtTheFields()
    {
        await using var f = await AccountingFixture.CreateAsync();
        AddPage(f);

        var cut = Render<AccountingSettingsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=accounting-status]").GetAttribute("data-status").ShouldBe("none"));
        cut.Find("input[data-testid=accounting-timeout]").Change("2");
        cut.Find("[data-testid=accounting-save]").Click();

        cut.WaitForAssertion(() => FieldOf(cut, "accounting-secret-key").TextContent.ShouldContain("Secret key is required."));
        FieldOf(cut, "accounting-end-user-id").TextContent.ShouldContain("End-user id is required.");
        FieldOf(cut, "accounting-timeout").TextContent.ShouldContain("between 5 and 300");
        (await f.Connections.GetAsync(Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Page_KindChange_AsksFirstAndSaysMappingsWillBeCleared_CancelKeepsEverything()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        await f.Mappings.SetAsync([new(f.Clients["Bluebird Insurance Agency"], "80000001-1600000000")], [], null, Ct);
        AddPage(f);
        var provider = Render<MudDialogProvider>();

        var cut = Render<AccountingSettingsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=accounting-status]"));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<AccountingKind>>().Instance.SelectOption(AccountingKind.Iif));
        cut.Find("[data-testid=accounting-save]").Click();

        provider.WaitForAssertion(() => provider.Find("[data-testid=accounting-confirm-message]").TextContent.ShouldContain("every mapping (1 clients"));
        provider.Find("[data-testid=accounting-confirm-cancel]").Click();
        var view = (await f.Connections.GetAsync(Ct))!;
        view.Kind.ShouldBe(AccountingKind.Conductor);
        view.ClientsMapped.ShouldBe(1);
    }

    private void AddPage(AccountingFixture f)
    {
        Services.AddSingleton<TenantDb>(f.Db.TenantDb());
        Services.AddSingleton(f.Connections);
        Services.AddSingleton(f.Mappings);
        var auth = AddAuthorization();
        auth.SetAuthorized("owner@test.local");
        auth.SetRoles(Roles.Owner);
        Render<MudPopoverProvider>();
    }

    private static AngleSharp.Dom.IElement FieldOf<T>(IRenderedComponent<T> cut, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid={testId}]").Closest(".mud-input-control") ?? throw new InvalidOperationException(testId);
}
