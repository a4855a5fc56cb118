using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Psa;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Psa;

public sealed class TicketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Close_WithoutClass_IsRefusedAndTicketStaysOpen()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (tickets, ticketId) = await OpenTicketWithTimeAsync(db, 80);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => tickets.CloseAsync(ticketId, null, Ct));

        error.Errors["billingClass"].ShouldHaveSingleItem().ShouldStartWith("Choose a billing class");
        (await tickets.GetAsync(ticketId, Ct)).Ticket.Status.ShouldBe(TicketStatus.Open);
    }

    [Fact]
    public async Task Close_Billable_EntriesInheritAndUsageBillsRoundedHoursAtRate()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (tickets, ticketId) = await OpenTicketWithTimeAsync(db, 50, 30);

        await tickets.CloseAsync(ticketId, BillingClass.Billable, Ct);

        var detail = await tickets.GetAsync(ticketId, Ct);
        detail.Entries.ShouldAllBe(e => e.BillingClass == BillingClass.Billable);
        var usage = await new ClientUsage.Handler(db.TenantDb()).GetAsync(detail.Ticket.ClientId, 2026, 11, Ct);
        var billed = usage.BillableTickets.ShouldHaveSingleItem();
        billed.Minutes.ShouldBe(80);
        billed.RoundedMinutes.ShouldBe(90);
        billed.Amount.ShouldBe(277.50m); // 1.5 h × $185
        usage.ByClass.Single(c => c.BillingClass == BillingClass.Billable).Minutes.ShouldBe(80);
        await using var ctx = db.Open();
        var audit = await ctx.AuditEntries.SingleAsync(a => a.Action == "ticket.closed", Ct);
        audit.After!.ShouldContain("Billable");
    }

    [Fact]
    public async Task Usage_OpenTicketTime_IsAWarningNotBilled()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (tickets, ticketId) = await OpenTicketWithTimeAsync(db, 45);

        var usage = await new ClientUsage.Handler(db.TenantDb()).GetAsync((await tickets.GetAsync(ticketId, Ct)).Ticket.ClientId, 2026, 11, Ct);

        usage.BillableTickets.ShouldBeEmpty();
        usage.OpenTickets.ShouldHaveSingleItem().Minutes.ShouldBe(45);
    }

    [Fact]
    public async Task AddTime_BadInput_GivesFieldErrors()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (tickets, ticketId) = await OpenTicketWithTimeAsync(db, 10);

        var error = await Should.ThrowAsync<ValidationFailedException>(() =>
            tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("", new DateOnly(2026, 12, 25), 0), Ct));

        error.Errors.Keys.ShouldBe(["technician", "minutes", "workDate"], ignoreOrder: true);
    }

    private static async Task<(Tickets.Handler Tickets, Guid TicketId)> OpenTicketWithTimeAsync(TestDatabase db, params int[] minutes)
    {
        var clientId = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Acme Dental", HourlyRate: 185m), Ct);
        var tickets = new Tickets.Handler(db.TenantDb(), db.Audit, db.Time);
        var ticketId = await tickets.CreateAsync(new Tickets.CreateRequest(clientId, "Printer offline", "tech@test.local"), Ct);
        foreach (var m in minutes)
        {
            await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 11, 10), m), Ct);
        }

        return (tickets, ticketId);
    }
}
