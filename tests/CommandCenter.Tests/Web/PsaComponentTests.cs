using Bunit;
using CommandCenter.Clients;
using CommandCenter.Psa;
using CommandCenter.Tests.Support;
using CommandCenter.Web.Features.Psa;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

public sealed class PsaComponentTests : BunitContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public PsaComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public async Task CloseTicketDialog_ConfirmWithoutClass_ShowsTheRefusalAndKeepsTheTicketOpen()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (tickets, ticketId) = await ArrangeTicketAsync(db, 50, 30);
        var dialogs = await ShowCloseDialogAsync(tickets, ticketId);

        dialogs.Find("[data-testid=close-affected]").GetAttribute("data-minutes").ShouldBe("80");
        dialogs.Find("[data-testid=close-affected]").TextContent.ShouldContain("1:20 in 2 entries");
        dialogs.Find("[data-testid=confirm-close]").Click();

        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=close-error]").TextContent.ShouldContain("Choose a billing class to close the ticket"));
        dialogs.FindAll("[data-testid=billing-class]").Count.ShouldBe(1);
        (await tickets.GetAsync(ticketId, Ct)).Ticket.Status.ShouldBe(TicketStatus.Open);
    }

    [Fact]
    public async Task CloseTicketDialog_BlockHourWithoutBlock_SaysAllIsOverage_BillableClosesTheTicket()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (tickets, ticketId) = await ArrangeTicketAsync(db, 80);
        var dialogs = await ShowCloseDialogAsync(tickets, ticketId);

        dialogs.Find("[data-testid=billing-class-option-blockhour]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=block-balance]").TextContent.ShouldContain("no prepaid block: all of it is overage"));
        dialogs.Find("[data-testid=billing-class-option-billable]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("[data-testid=block-balance]").Count.ShouldBe(0));
        dialogs.Find("[data-testid=confirm-close]").Click();

        dialogs.WaitForAssertion(() => dialogs.FindAll("[data-testid=billing-class]").Count.ShouldBe(0));
        var detail = await tickets.GetAsync(ticketId, Ct);
        detail.Ticket.Status.ShouldBe(TicketStatus.Closed);
        detail.Ticket.BillingClass.ShouldBe(BillingClass.Billable);
        detail.Entries.ShouldAllBe(e => e.BillingClass == BillingClass.Billable);
        await using var ctx = db.Open();
        (await ctx.AuditEntries.CountAsync(a => a.Action == "ticket.closed", Ct)).ShouldBe(1);
    }

    private async Task<IRenderedComponent<MudDialogProvider>> ShowCloseDialogAsync(Tickets.Handler tickets, Guid ticketId)
    {
        Services.AddSingleton(tickets);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var detail = await tickets.GetAsync(ticketId, Ct);
        var service = Services.GetRequiredService<IDialogService>();
        await dialogs.InvokeAsync(() => service.ShowAsync<CloseTicketDialog>("Close ticket", new DialogParameters<CloseTicketDialog> { { d => d.Detail, detail } }));
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-close]"));
        return dialogs;
    }

    private static async Task<(Tickets.Handler Tickets, Guid TicketId)> ArrangeTicketAsync(TestDatabase db, params int[] minutes)
    {
        var clientId = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Harbor Dental"), Ct);
        var tickets = new Tickets.Handler(db.TenantDb(), db.Audit, db.Time);
        var ticketId = await tickets.CreateAsync(new Tickets.CreateRequest(clientId, "VPN drops every hour", "Sam"), Ct);
        var day = DateOnly.FromDateTime(db.Time.GetUtcNow().UtcDateTime);
        foreach (var m in minutes)
        {
            await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("Sam", day, m), Ct);
        }

        return (tickets, ticketId);
    }
}
