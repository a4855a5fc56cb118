using Bunit;
using CommandCenter.Billing;
using CommandCenter.Web.Features.Home;
using MudBlazor.Services;
using Kinds = CommandCenter.Billing.MonthEndCockpit.BlockerKinds;

namespace CommandCenter.Tests.Web;

public sealed class MonthEndCockpitComponentTests : BunitContext
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    public MonthEndCockpitComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void MonthEndCockpitView_Blockers_ShowEachKindCountAndFixLink_BreakdownShowsOnlyMovedCauses()
    {
        var view = View(RunStatus.Open,
            [
                new MonthEndCockpit.Blocker(Kinds.UndecidedFlag, 2, "2 flagged lines to decide (accept, override or exclude) on 2 invoices.", "/billing/2026-11?flagged=true", "Decide flags"),
                new MonthEndCockpit.Blocker(Kinds.NoAccounting, 1, "No accounting system is connected: invoices cannot be posted.", "/settings/accounting", "Connect accounting"),
            ]);

        var cut = Render<MonthEndCockpitView>(p => p.Add(c => c.Cockpit, view));

        var rows = cut.FindAll("[data-testid=close-blocker]");
        rows.Count.ShouldBe(2);
        rows[0].GetAttribute("data-kind").ShouldBe(Kinds.UndecidedFlag);
        rows[0].GetAttribute("data-count").ShouldBe("2");
        rows[0].GetAttribute("href").ShouldBe("/billing/2026-11?flagged=true");
        rows[0].TextContent.ShouldContain("2 flagged lines to decide");
        rows[0].TextContent.ShouldContain("Decide flags");
        rows[1].GetAttribute("href").ShouldBe("/settings/accounting");
        cut.FindAll("[data-testid=home-ready]").ShouldBeEmpty();

        cut.Find("[data-testid=home-month-change]").GetAttribute("data-amount").ShouldBe("-425.00");
        cut.Find("[data-testid=home-month-change]").TextContent.ShouldContain("−$425.00");
        var parts = cut.FindAll("[data-testid=home-change-part]");
        parts.Select(p => p.GetAttribute("data-cause")).ShouldBe([MonthEndCockpit.Causes.CountIncreases, MonthEndCockpit.Causes.OneOff]); // zero causes are not shown
        parts[0].TextContent.ShouldContain("+$90.00");
        parts[1].TextContent.ShouldContain("−$515.00");
        cut.Find("[data-testid=home-revenue-found]").GetAttribute("data-amount").ShouldBe("90.00");
        cut.Find("[data-testid=home-revenue-chart]").GetAttribute("data-months").ShouldBe("12");
        cut.Find("[data-testid=home-month-end-minutes]").TextContent.ShouldContain("in progress since 2026-11-15 09:30 UTC");
        var past = cut.Find("[data-testid=home-past-month-end]");
        past.GetAttribute("data-minutes").ShouldBe("42");
        past.TextContent.ShouldContain("October 2026: took 42 min");
    }

    [Fact]
    public void MonthEndCockpitView_NothingBlocksAnOpenRun_SaysReadyToPost()
    {
        var cut = Render<MonthEndCockpitView>(p => p.Add(c => c.Cockpit, View(RunStatus.Open, [])));

        cut.FindAll("[data-testid=close-blocker]").ShouldBeEmpty();
        var ready = cut.Find("[data-testid=home-ready]");
        ready.GetAttribute("data-state").ShouldBe("ready");
        ready.TextContent.ShouldContain("Ready to post");
        ready.TextContent.ShouldContain("post all 2 invoices");
    }

    private static MonthEndCockpit.View View(RunStatus status, IReadOnlyList<MonthEndCockpit.Blocker> blockers)
    {
        var breakdown = MonthEndCockpit.Causes.All.Select(c => new MonthEndCockpit.ChangePart(c.Key, c.Label,
            c.Key == MonthEndCockpit.Causes.CountIncreases ? 90m : c.Key == MonthEndCockpit.Causes.OneOff ? -515m : 0m, c.Key is MonthEndCockpit.Causes.CountIncreases or MonthEndCockpit.Causes.OneOff ? 1 : 0)).ToList();
        var months = Enumerable.Range(0, 12).Select(n => new MonthEndCockpit.MonthTotal(new BillingPeriod(November.Start.AddMonths(n - 11)), n == 11 ? 845m : n == 10 ? 1270m : 0m, n >= 10)).ToList();
        return new MonthEndCockpit.View(November, status, 2, 845m, 1270m, breakdown, 90m, 1, blockers, months,
            new MonthEndCockpit.MonthEndTime(November, new DateTime(2026, 11, 15, 9, 30, 0, DateTimeKind.Utc), null),
            [new MonthEndCockpit.MonthEndTime(new BillingPeriod(new DateOnly(2026, 10, 1)), new DateTime(2026, 10, 31, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 10, 31, 9, 42, 0, DateTimeKind.Utc))]);
    }
}
