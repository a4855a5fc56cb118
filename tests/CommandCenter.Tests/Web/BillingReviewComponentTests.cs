using Bunit;
using CommandCenter.Billing;
using CommandCenter.Web.Features.Billing.Review;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

public sealed class BillingReviewComponentTests : BunitContext
{
    public BillingReviewComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void LineRow_FlaggedDropLine_CarriesItsChangeFlagAndMessageAndOffersTheDecision()
    {
        var line = Line("line:edr", "Huntress Managed EDR", 0, 6m) with
        {
            Change = ChangeKinds.Down,
            PreviousQuantity = 26,
            PreviousAmount = 156m,
            AmountDelta = -156m,
            Highlighted = true,
            Reasons = ["−26 agents removed: LTC-DC01 and 25 more"],
            Flags = [new LineFlag(FlagKinds.Drop, "The count fell from 26 to 0: probably a sync or mapping problem, not churn.")],
        };
        var invoice = Invoice(InvoiceStatus.Draft, line);
        ReviewRow? adjusted = null;

        var cut = Render<LineRow>(p => p
            .Add(r => r.Row, new ReviewRow(1, invoice, line))
            .Add(r => r.Editable, true)
            .Add(r => r.OnAdjust, r => adjusted = r));

        var row = cut.Find("[data-testid=line-row]");
        row.GetAttribute("data-change").ShouldBe("down");
        row.GetAttribute("data-flagged").ShouldBe("true");
        row.GetAttribute("data-needs-decision").ShouldBe("true");
        row.GetAttribute("data-flash").ShouldBe("false");
        row.GetAttribute("data-line-key").ShouldBe("line:edr");
        cut.Find("[data-testid=line-reasons]").TextContent.ShouldContain("The count fell from 26 to 0");
        cut.Find("[data-testid=line-reasons]").TextContent.ShouldContain("−26 agents removed");
        cut.Find("[data-testid=line-flag]").GetAttribute("data-kind").ShouldBe(FlagKinds.Drop);
        cut.Find("[data-testid=line-qty]").TextContent.ShouldContain("was 26");
        cut.Find("[data-testid=line-delta]").TextContent.ShouldContain("−$156.00");

        cut.Find("[data-testid=adjust-line]").Click();
        adjusted.ShouldNotBeNull();
        adjusted.Line!.Key.ShouldBe("line:edr");
    }

    [Fact]
    public void LineRow_ApprovedInvoice_HasNoAdjustAction_DecidedLineShowsItsDecision()
    {
        var line = Line("line:edr", "Huntress Managed EDR", 0, 6m) with
        {
            Flags = [new LineFlag(FlagKinds.Drop, "The count fell from 26 to 0.")],
            Decision = Decisions.Accept,
            DecisionReason = "Agents re-deployed on the 3rd",
        };

        var cut = Render<LineRow>(p => p.Add(r => r.Row, new ReviewRow(1, Invoice(InvoiceStatus.Approved, line), line)).Add(r => r.Editable, true).Add(r => r.Flash, true));

        cut.FindAll("[data-testid=adjust-line]").ShouldBeEmpty();
        cut.Find("[data-testid=line-row]").GetAttribute("data-needs-decision").ShouldBe("false");
        cut.Find("[data-testid=line-row]").GetAttribute("data-flash").ShouldBe("true");
        cut.Find("[data-testid=line-decision]").GetAttribute("data-decision").ShouldBe(Decisions.Accept);
        cut.Find("[data-testid=line-decision]").TextContent.ShouldContain("Accepted");
    }

    [Fact]
    public void InvoiceHeaderRow_UndecidedFlags_DisableApproveAndSayWhy()
    {
        var invoice = Invoice(InvoiceStatus.Draft, Line("line:a", "Managed Workstation", 25, 45m));
        invoice.OpenFlags = 2;
        invoice.PreviousTotal = 1000m;

        var cut = Render<InvoiceHeaderRow>(p => p.Add(r => r.Row, new ReviewRow(0, invoice, null)).Add(r => r.Editable, true));

        cut.Find("[data-testid=invoice-row]").GetAttribute("data-status").ShouldBe("draft");
        cut.Find("[data-testid=open-flags-chip]").TextContent.ShouldContain("2 undecided flags");
        cut.Find("[data-testid=approve-invoice]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("[data-testid=invoice-change]").TextContent.ShouldContain("+$125.00");
        cut.Find("[data-testid=invoice-change]").TextContent.ShouldContain("+12.5 %");
        cut.FindAll("[data-testid=unapprove-invoice]").ShouldBeEmpty();
    }

    [Fact]
    public void InvoiceHeaderRow_ApprovedWithNewerCounts_OffersUnapproveAndSaysSo()
    {
        var invoice = Invoice(InvoiceStatus.Approved, Line("line:a", "Managed Workstation", 25, 45m));
        invoice.NewerCountsAvailable = true;
        Invoice? unapproved = null;

        var cut = Render<InvoiceHeaderRow>(p => p.Add(r => r.Row, new ReviewRow(0, invoice, null)).Add(r => r.Editable, true).Add(r => r.OnUnapprove, i => unapproved = i));

        cut.Find("[data-testid=invoice-row]").GetAttribute("data-status").ShouldBe("approved");
        cut.Find("[data-testid=newer-counts]").TextContent.ShouldContain("Newer counts available");
        cut.FindAll("[data-testid=approve-invoice]").ShouldBeEmpty();
        cut.Find("[data-testid=unapprove-invoice]").Click();
        unapproved.ShouldBeSameAs(invoice);
    }

    [Fact]
    public void LineEvidence_VendorLine_ListsCountedNotCountedAndWhatMovedSinceLastMonth()
    {
        var line = Line("line:ws", "Managed Workstation", 3, 45m) with
        {
            Change = ChangeKinds.Up,
            PreviousQuantity = 2,
            Reasons = ["+1 workstation added: CM-WS-002"],
            Provenance = new Provenance
            {
                Source = "NinjaOne RMM workstations",
                SnapshotUtc = new DateTime(2026, 11, 20, 8, 30, 0, DateTimeKind.Utc),
                Rule = "max(minimum 0, 3 counted − 0 included) = 3 billed",
                Count = 3,
                Evidence = ["CM-LT-004", "CM-WS-001", "CM-WS-002"],
                NotCounted = ["CM-KIOSK-01 (PENDING approval)"],
                Added = ["CM-WS-002"],
                Removed = ["CM-WS-OLD"],
                BlockMinutesBefore = 600,
                BlockMinutesAfter = 90,
            },
        };
        var closed = false;

        var cut = Render<LineEvidence>(p => p.Add(e => e.Invoice, Invoice(InvoiceStatus.Draft, line)).Add(e => e.Line, line).Add(e => e.OnClose, () => closed = true));

        cut.FindAll("[data-testid=evidence-item]").Select(e => e.TextContent).ShouldBe(["CM-LT-004", "CM-WS-001", "CM-WS-002"]);
        cut.Find("[data-testid=evidence-not-counted]").TextContent.ShouldContain("CM-KIOSK-01 (PENDING approval)");
        cut.Find("[data-testid=evidence-added]").TextContent.ShouldContain("CM-WS-002");
        cut.Find("[data-testid=evidence-removed]").TextContent.ShouldContain("CM-WS-OLD");
        cut.Find("[data-testid=evidence-snapshot]").TextContent.ShouldBe("2026-11-20 08:30 UTC");
        cut.Find("[data-testid=evidence-rule]").TextContent.ShouldContain("3 counted");
        cut.Find("[data-testid=evidence-block]").TextContent.ShouldBe("10 h before → 1.5 h after");
        cut.Find("[data-testid=evidence-quantity]").TextContent.ShouldBe("3 (last month 2)");
        cut.FindAll("[data-testid=evidence-adjust]").ShouldBeEmpty();
        cut.Find("[data-testid=evidence-close]").Click();
        closed.ShouldBeTrue();
    }

    [Fact]
    public void ReviewRows_Move_JumpsBetweenInvoicesAndRows()
    {
        var rows = ReviewRows.Flatten([
            Invoice(InvoiceStatus.Draft, Line("a1", "A1", 1, 1m), Line("a2", "A2", 1, 1m)),
            Invoice(InvoiceStatus.Draft),
            Invoice(InvoiceStatus.Draft, Line("c1", "C1", 1, 1m)),
        ]);

        rows.Select(r => r.IsHeader).ShouldBe([true, false, false, true, true, false]);
        ReviewRows.Move(rows, 0, "j").ShouldBe(3);
        ReviewRows.Move(rows, 3, "j").ShouldBe(4);
        ReviewRows.Move(rows, 4, "j").ShouldBe(4);
        ReviewRows.Move(rows, 2, "k").ShouldBe(0);
        ReviewRows.Move(rows, 3, "k").ShouldBe(0);
        ReviewRows.Move(rows, 0, "ArrowDown").ShouldBe(1);
        ReviewRows.Move(rows, 0, "ArrowUp").ShouldBe(0);
        ReviewRows.Move(rows, 2, "End").ShouldBe(5);
        ReviewRows.Move(rows, 2, "x").ShouldBe(-1);
    }

    [Fact]
    public void ReviewRows_Moved_ReportsLinesWhoseQuantityOrAmountChanged()
    {
        var before = Invoice(InvoiceStatus.Draft, Line("ws", "Managed Workstation", 3, 45m), Line("srv", "Managed Server", 1, 150m));
        var after = Invoice(InvoiceStatus.Draft, Line("ws", "Managed Workstation", 4, 45m), Line("srv", "Managed Server", 1, 150m), Line("new", "Cloud Backup", 1, 35m));
        after.ClientId = before.ClientId;
        after.ComputedUtc = before.ComputedUtc.AddSeconds(5);

        var moved = ReviewRows.Moved([before], [after]);

        moved.ShouldBe([new ReviewRow(0, after, after.Lines[0]).Key, new ReviewRow(0, after, after.Lines[2]).Key]);
    }

    private static Invoice Invoice(InvoiceStatus status, params InvoiceLine[] lines) => new()
    {
        ClientId = Guid.NewGuid(),
        ClientName = "Clearwater Mortgage",
        Status = status,
        DueDate = new DateOnly(2026, 12, 30),
        Lines = [.. lines],
        Total = lines.Where(l => !l.Excluded).Sum(l => l.Amount),
    };

    private static InvoiceLine Line(string key, string description, decimal quantity, decimal price) => new()
    {
        Key = key,
        Kind = LineKinds.Recurring,
        Description = description,
        Quantity = quantity,
        UnitPrice = price,
        Amount = quantity * price,
    };
}
