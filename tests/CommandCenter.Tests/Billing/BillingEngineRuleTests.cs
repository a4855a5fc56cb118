using System.Globalization;
using System.Text.Json;
using CommandCenter.Billing;
using CommandCenter.Psa;
using CommandCenter.VendorSync;
using static CommandCenter.Tests.Billing.EngineInputs;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// The billing engine rule by rule (billing-rules.md). Every expected amount is worked out by hand in the comment next
/// to it. The period is November 2026 (30 days) unless a test says otherwise.
/// </summary>
public sealed class BillingEngineRuleTests
{
    // ───────────── Quantity: billed = max(minimum, max(0, count − included)) ─────────────

    [Theory]
    [InlineData(9, 5, 2, 4, "180.00")]  // max(2, max(0, 9 − 5) = 4) = 4;  4 × $45 = $180.00
    [InlineData(1, 0, 2, 2, "90.00")]   // max(2, max(0, 1 − 0) = 1) = 2;  2 × $45 = $90.00
    [InlineData(3, 5, 0, 0, "0.00")]    // max(0, max(0, 3 − 5) = 0) = 0;  0 × $45 = $0.00
    [InlineData(3, 5, 1, 1, "45.00")]   // max(1, 0) = 1;                  1 × $45 = $45.00
    [InlineData(12, 5, 2, 7, "315.00")] // max(2, 7) = 7;                  7 × $45 = $315.00
    public void BuildInvoice_IncludedUnitsAndMinimum_BillsMaxOfMinimumAndCountLessIncluded(int count, int included, int minimum, int billed, string amount)
    {
        var line = Manual(Workstation, count, included: included, minimum: minimum);

        var invoice = Build(Client("Acme") with { Lines = [line] });

        var billedLine = invoice.Line(LineKey(line));
        billedLine.Quantity.ShouldBe(billed);
        billedLine.UnitPrice.ShouldBe(45m);
        billedLine.Amount.ShouldBe(Parse(amount));
        billedLine.Provenance.Count.ShouldBe(count);
    }

    [Fact]
    public void BuildInvoice_VendorWorkstationsWithIncludedAndMinimum_BillsFourOfNine()
    {
        // NinjaOne: 9 approved workstations, 1 pending workstation, 2 approved servers.
        var source = Source("NinjaOne", Devices("Acme", Fresh, [.. Workstations("ACM-WS", 1, 2, 3, 4, 5, 6, 7, 8, 9),
            Device("ACM-WS-10", approved: false), Device("ACM-DC01", AssetClasses.Server), Device("ACM-FS01", AssetClasses.Server)]));
        var workstations = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), source, included: 5, minimum: 2);
        var servers = Vendor(Server, Bind(Ninja, SourceMetrics.Servers), Source("NinjaOne", Devices("Acme", Fresh, Device("ACM-DC01", AssetClasses.Server), Device("ACM-FS02", AssetClasses.Server, approved: false))), minimum: 2);

        var invoice = Build(Client("Acme") with { Lines = [workstations, servers] });

        var ws = invoice.Line(LineKey(workstations));
        ws.Provenance.Count.ShouldBe(9);                 // the pending one and the servers are not workstations that count
        ws.Quantity.ShouldBe(4);                         // max(2, 9 − 5) = 4
        ws.Amount.ShouldBe(180.00m);                     // 4 × $45 = $180.00
        ws.Provenance.Evidence.ShouldBe(["ACM-WS-01", "ACM-WS-02", "ACM-WS-03", "ACM-WS-04", "ACM-WS-05", "ACM-WS-06", "ACM-WS-07", "ACM-WS-08", "ACM-WS-09"]);
        ws.Provenance.NotCounted.ShouldHaveSingleItem().ShouldStartWith("ACM-WS-10");
        ws.Provenance.SnapshotUtc.ShouldBe(Fresh);
        var srv = invoice.Line(LineKey(servers));
        srv.Provenance.Count.ShouldBe(1);                // one approved server
        srv.Quantity.ShouldBe(2);                        // max(2, 1 − 0) = 2
        srv.Amount.ShouldBe(300.00m);                    // 2 × $150 = $300.00
        invoice.Total.ShouldBe(480.00m);                 // 180.00 + 300.00
    }

    // ───────────── Proration: half-open [from, to), rounded once at the line ─────────────

    [Fact]
    public void BuildInvoice_LineFromSixteenthNovember_IsActive15Of30Days()
    {
        var line = Manual(Workstation, 4, from: Nov(16));

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        billed.Provenance.DaysActive.ShouldBe(15);       // 16..30 November = 15 days
        billed.Provenance.DaysInPeriod.ShouldBe(30);
        billed.Quantity.ShouldBe(4);
        billed.Amount.ShouldBe(90.00m);                  // $45 × 4 × 15/30 = $90.00
        billed.Reasons.ShouldContain("Prorated: 15 of 30 days");
    }

    [Fact]
    public void BuildInvoice_LineEndingMidMonth_BillsDaysBeforeItsExclusiveEnd()
    {
        var line = Manual(Server, 1, to: Nov(11));

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        billed.Provenance.DaysActive.ShouldBe(10);       // [1 Nov, 11 Nov) = 1..10 November = 10 days
        billed.Amount.ShouldBe(50.00m);                  // $150 × 1 × 10/30 = $50.00
    }

    [Fact]
    public void BuildInvoice_LineStartingAndEndingInsideTheMonth_BillsTheDaysBetween()
    {
        var line = Manual(CloudBackup, 2, from: Nov(5), to: Nov(25));

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        billed.Provenance.DaysActive.ShouldBe(20);       // [5 Nov, 25 Nov) = 20 days
        billed.Amount.ShouldBe(80.00m);                  // $60 × 2 × 20/30 = $80.00
    }

    [Fact]
    public void BuildInvoice_LinesOutsideTheMonth_AreNotBilled()
    {
        var endedOnFirst = Manual(Server, 1, to: Nov(1));                     // [.., 1 Nov): no November day
        var startsNextMonth = Manual(Server, 1, from: new DateOnly(2026, 12, 1));

        var invoice = Build(Client("Acme") with { Lines = [endedOnFirst, startsNextMonth] });

        invoice.Lines.ShouldBeEmpty();
        invoice.Total.ShouldBe(0m);
    }

    [Theory]
    [InlineData(2027, 14, 28, "50.00")] // February 2027 has 28 days: from 15 Feb → 14 days; $100 × 14/28 = $50.00
    [InlineData(2028, 15, 29, "51.72")] // February 2028 has 29 days: from 15 Feb → 15 days; $100 × 15/29 = 51.7241… → $51.72
    public void BuildInvoice_FebruaryLineFromFifteenth_ProratesOverTheMonthsOwnDays(int year, int days, int daysInMonth, string amount)
    {
        var february = new BillingPeriod(new DateOnly(year, 2, 1));
        var line = Manual(Workstation, 1, price: 100m, from: new DateOnly(year, 2, 15));

        var billed = Build(Client("Acme") with { Lines = [line] }, period: february, now: new DateTime(year, 3, 1, 9, 0, 0, DateTimeKind.Utc)).Line(LineKey(line));

        billed.Provenance.DaysActive.ShouldBe(days);
        billed.Provenance.DaysInPeriod.ShouldBe(daysInMonth);
        billed.Amount.ShouldBe(Parse(amount));
    }

    [Fact]
    public void BuildInvoice_ProratedHalfCent_RoundsAwayFromZero()
    {
        var line = Manual(Workstation, 1, price: 10.01m, from: Nov(16));

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        // $10.01 × 1 × 15/30 = $5.005 exactly: midpoint away from zero → $5.01 (banker's rounding would give $5.00).
        billed.Amount.ShouldBe(5.01m);
    }

    [Fact]
    public void BuildInvoice_ProratedQuantity_RoundsOnceAtTheLineNotPerUnit()
    {
        var line = Manual(Workstation, 3, price: 10.01m, from: Nov(16));

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        // Once at the line: $10.01 × 3 × 15/30 = $15.015 → $15.02. Per unit it would be 3 × $5.01 = $15.03.
        billed.Amount.ShouldBe(15.02m);
    }

    [Fact]
    public void BuildInvoice_ManyRoundedLines_TotalIsTheSumOfRoundedLines()
    {
        var a = Manual(Workstation, 1, price: 10.01m, from: Nov(16)); // $5.005  → $5.01
        var b = Manual(Server, 1, price: 10.01m, from: Nov(16));      // $5.005  → $5.01
        var c = Manual(Firewall, 1, price: 0.10m, from: Nov(21));     // $0.10 × 10/30 = $0.0333… → $0.03

        var invoice = Build(Client("Acme") with { Lines = [a, b, c] });

        // Sum of rounded lines: 5.01 + 5.01 + 0.03 = $10.05 (rounding the unrounded sum 10.0433… would give $10.04).
        invoice.Total.ShouldBe(10.05m);
    }

    // ───────────── Vendor counting over the stored evidence ─────────────

    [Theory]
    [InlineData(SourceMetrics.Workstations, "", 3)]        // WS-1..3 approved; WS-4 pending does not count
    [InlineData(SourceMetrics.Servers, "", 2)]             // SRV-1, SRV-2
    [InlineData(SourceMetrics.Devices, "", 6)]             // every approved device: 3 + 2 + 1 phone
    [InlineData(SourceMetrics.Devices, "Mobile,Server", 3)] // the filter is data: 1 phone + 2 servers
    public void BuildInvoice_VendorCount_CountsOnlyCountedAssetsOfTheLinesClasses(string metric, string classes, int expected)
    {
        var source = Source("NinjaOne", Devices("Acme", Fresh,
            Device("WS-1"), Device("WS-2"), Device("WS-3"), Device("WS-4", approved: false),
            Device("SRV-1", AssetClasses.Server), Device("SRV-2", AssetClasses.Server),
            Device("PHONE-1", AssetClasses.Mobile), Device("PHONE-2", AssetClasses.Mobile, approved: false)));
        var line = Vendor(Workstation, Bind(Ninja, metric, classes: VendorBinding.SplitClasses(classes).ToArray()), source);

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        billed.Quantity.ShouldBe(expected);
        billed.Amount.ShouldBe(expected * 45m); // quantity × $45
    }

    [Fact]
    public void BuildInvoice_SisterCompanies_CountsOfBothOrganisationsAddUp()
    {
        var source = Source("NinjaOne",
            Devices("Birch & Co", Fresh, Workstations("BIR-WS", 1, 2, 3, 4, 5)),
            Devices("Birch Payroll", Fresh, Workstations("BPY-WS", 1, 2, 3)));
        var line = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), source);

        var billed = Build(Client("Birch") with { Lines = [line] }).Line(LineKey(line));

        billed.Quantity.ShouldBe(8);                   // 5 + 3
        billed.Amount.ShouldBe(360.00m);               // 8 × $45
        billed.Provenance.Evidence.ShouldContain("BIR-WS-01");
        billed.Provenance.Evidence.ShouldContain("BPY-WS-03");
        // Each organisation's share is listed beside the evidence.
        billed.Provenance.Organizations.Count.ShouldBe(2);
        billed.Provenance.Organizations[0].ShouldStartWith("Birch & Co: 5 ");
        billed.Provenance.Organizations[1].ShouldStartWith("Birch Payroll: 3 ");
    }

    [Fact]
    public void Build_SisterCompanyMappedThisMonth_NamesOnlyItsDevicesAsAdded()
    {
        var line = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne",
            Devices("Birch & Co", Fresh, Workstations("BIR-WS", 1, 2, 3, 4, 5)),
            Devices("Birch Payroll", Fresh, Workstations("BPY-WS", 1, 2))));
        var lastMonth = Build(Client("Birch") with { Lines = [line with { Source = line.Source! with { Snapshots = [line.Source.Snapshots[0]] } }] }).Line(LineKey(line));

        var billed = Build(Client("Birch") with { Lines = [line], Previous = new PreviousInvoice(November.Previous, lastMonth.Amount, [lastMonth]) }).Line(LineKey(line));

        billed.Change.ShouldBe(ChangeKinds.Up);
        billed.Provenance.Added.ShouldBe(["BPY-WS-01", "BPY-WS-02"]);   // the five Birch & Co machines did not change
        billed.Provenance.Removed.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("p-std", VendorBinding.Purchased, 14)]                          // by Pax8 product id: 10 + 4 Active; Cancelled 3 and Trial 5 not counted
    [InlineData("Microsoft 365 Business Standard", VendorBinding.Purchased, 14)] // by product name, same subscriptions
    [InlineData("SPB", VendorBinding.Purchased, 10)]                            // Graph by SKU: prepaidUnits.enabled = 10
    [InlineData("SPB", VendorBinding.Assigned, 7)]                              // Graph by SKU: consumedUnits = 7
    [InlineData("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", VendorBinding.Assigned, 7)] // Graph by skuId
    public void BuildInvoice_Licences_MatchProductAndBillTheLinesBasis(string product, string basis, int seats)
    {
        var pax8 = Licences("Elm", Fresh,
            Subscription("s-1", "p-std", "Microsoft 365 Business Standard", 10),
            Subscription("s-2", "p-std", "Microsoft 365 Business Standard", 4),
            Subscription("s-3", "p-std", "Microsoft 365 Business Standard", 3, status: "Cancelled"),
            Subscription("s-4", "p-std", "Microsoft 365 Business Standard", 5, status: "Trial"),
            Subscription("s-5", "p-prem", "Microsoft 365 Business Premium", 8));
        var graph = Licences("Elm", Fresh,
            Subscription("g-1", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB", 10, status: "Enabled", assigned: 7, sku: "SPB"),
            Subscription("g-2", "3b555118-da6a-4418-894f-7df1e2096870", "O365_BUSINESS_ESSENTIALS", 20, status: "Enabled", assigned: 18, sku: "O365_BUSINESS_ESSENTIALS"));
        var fromPax8 = product.StartsWith("p-", StringComparison.Ordinal) || product.StartsWith("Microsoft", StringComparison.Ordinal);
        var line = Vendor(BusinessStandard, Bind(fromPax8 ? Pax8 : Graph, SourceMetrics.Licences, product, basis), Source(fromPax8 ? "Pax8" : "Microsoft Graph", fromPax8 ? pax8 : graph));

        var billed = Build(Client("Elm") with { Lines = [line] }).Line(LineKey(line));

        billed.Quantity.ShouldBe(seats);
        billed.Amount.ShouldBe(seats * 15m); // seats × $15
        if (fromPax8)
        {
            billed.Provenance.NotCounted.Count.ShouldBe(2); // the cancelled and the trial subscription, listed with why
            billed.Provenance.NotCounted.ShouldContain(n => n.Contains("Cancelled", StringComparison.Ordinal));
            billed.Provenance.NotCounted.ShouldContain(n => n.Contains("Trial", StringComparison.Ordinal));
        }
    }

    // ───────────── Time and materials, per ticket ─────────────

    [Fact]
    public void BuildInvoice_EightyMinutesAtFifteen_BillsNinetyMinutes()
    {
        var ticket = Ticket(1, "Printer offline", closed: true, Entry(3, 50, BillingClass.Billable), Entry(4, 30, BillingClass.Billable));

        var billed = Build(Client("Acme", rate: 150m) with { Tickets = [ticket] }).Line(TicketKey(ticket));

        // 50 + 30 = 80 min → up to 15 → 90 min = 1.5 h × $150 = $225.00
        billed.Kind.ShouldBe(LineKinds.Time);
        billed.Description.ShouldBe("#1 Printer offline");
        billed.Quantity.ShouldBe(1.5m);
        billed.UnitPrice.ShouldBe(150m);
        billed.Amount.ShouldBe(225.00m);
        billed.Provenance.Count.ShouldBe(80);
    }

    [Fact]
    public void BuildInvoice_TenMinutesWithThirtyMinuteMinimum_BillsThirty()
    {
        var ticket = Ticket(2, "Password reset", closed: true, Entry(9, 10, BillingClass.Billable));

        var billed = Build(Client("Acme", rate: 150m, minimum: 30) with { Tickets = [ticket] }).Line(TicketKey(ticket));

        // 10 min → up to 15 → 15 min, raised to the 30 min minimum → 30 min = 0.5 h × $150 = $75.00
        billed.Quantity.ShouldBe(0.5m);
        billed.Amount.ShouldBe(75.00m);
    }

    [Fact]
    public void BuildInvoice_TimeOfClosedTicket_BillsOnlyBillableEntriesInThePeriod()
    {
        var ticket = Ticket(3, "Network outage", closed: true,
            Entry(3, 40, BillingClass.Billable),
            Entry(4, 20, BillingClass.NonBillable),       // overridden on the entry: warranty work
            Entry(30, 60, BillingClass.Billable, month: 10)); // October: billed with October
        var nonBillable = Ticket(4, "Warranty swap", closed: true, Entry(5, 30, BillingClass.NonBillable));
        var included = Ticket(5, "Patch review", closed: true, Entry(6, 45, BillingClass.Included));

        var invoice = Build(Client("Acme", rate: 150m) with { Tickets = [ticket, nonBillable, included] });

        // 40 min (Billable, November) → up to 15 → 45 min = 0.75 h × $150 = $112.50
        var billed = invoice.Lines.ShouldHaveSingleItem();
        billed.Key.ShouldBe(TicketKey(ticket));
        billed.Quantity.ShouldBe(0.75m);
        billed.Amount.ShouldBe(112.50m);
        invoice.Total.ShouldBe(112.50m);
    }

    [Fact]
    public void BuildInvoice_EntryOverriddenToBillableOnIncludedTicket_BillsThatEntry()
    {
        var ticket = Ticket(6, "Onboarding", closed: true, Entry(10, 60, BillingClass.Included), Entry(11, 25, BillingClass.Billable));

        var billed = Build(Client("Acme", rate: 150m) with { Tickets = [ticket] }).Line(TicketKey(ticket));

        // Only the overridden entry: 25 min → up to 15 → 30 min = 0.5 h × $150 = $75.00
        billed.Amount.ShouldBe(75.00m);
        billed.Provenance.Count.ShouldBe(25);
    }

    [Fact]
    public void BuildInvoice_HoursTimesOddRate_RoundsToCents()
    {
        var ticket = Ticket(7, "Line of business app", closed: true, Entry(12, 50, BillingClass.Billable));

        var billed = Build(Client("Acme", rate: 137.33m, increment: 10) with { Tickets = [ticket] }).Line(TicketKey(ticket));

        // 50 min is already a multiple of 10 → 50 min = 5/6 h; 5/6 × $137.33 = $114.441666… → $114.44
        billed.Quantity.ShouldBe(0.8333m);
        billed.Amount.ShouldBe(114.44m);
    }

    [Fact]
    public void BuildInvoice_OpenTicketsTime_IsAWarningNotALine()
    {
        var open = Ticket(8, "Slow laptop", closed: false, Entry(13, 50, null), Entry(20, 10, null, month: 10));
        var open2 = Ticket(9, "New hire", closed: false, Entry(14, 55, null));

        var invoice = Build(Client("Acme") with { Tickets = [open, open2] });

        invoice.Lines.ShouldBeEmpty();
        invoice.Total.ShouldBe(0m);
        // November minutes only: 50 + 55 = 105 min = 1.75 h
        invoice.Warnings.ShouldHaveSingleItem().ShouldBe("1.75 h on open tickets (#8, #9) are not billed until the tickets are closed.");
    }

    // ───────────── Block hours ─────────────

    [Fact]
    public void BuildInvoice_TwoBlocks_DrawOldestFirstInDateOrderAndBillOverageAtTheNewestRate()
    {
        var older = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 8, 1), null, 10m, 1400m, 160m);
        var newer = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 10, 1), null, 5m, 725m, 175m);
        BlockDrawdown.Entry[] entries =
        [
            new(new DateOnly(2026, 11, 25), 37),
            new(new DateOnly(2026, 9, 15), 540),  // before November: the older block 600 → 60 min left
            new(new DateOnly(2026, 11, 10), 200),
            new(new DateOnly(2026, 11, 3), 50),
            new(new DateOnly(2026, 11, 20), 100),
        ];

        var invoice = Build(Client("Blocky") with { Blocks = [newer, older], BlockEntries = entries });

        // In date order: 3 Nov 50 → older 60 → 10; 10 Nov 200 → older 10 → 0, newer 300 → 110;
        // 20 Nov 100 → newer 110 → 10; 25 Nov 37 → newer 10 → 0, 27 min beyond the balance.
        // 27 min → up to 15 → 30 min = 0.5 h × $175 (the newest block's rate) = $87.50
        var overage = invoice.Line(BlockKey(newer));
        overage.Kind.ShouldBe(LineKinds.BlockOverage);
        overage.Quantity.ShouldBe(0.5m);
        overage.UnitPrice.ShouldBe(175m);
        overage.Amount.ShouldBe(87.50m);
        overage.Provenance.BlockMinutesBefore.ShouldBe(360); // 60 (older) + 300 (newer)
        overage.Provenance.BlockMinutesAfter.ShouldBe(0);
        overage.Provenance.Count.ShouldBe(387);              // 50 + 200 + 100 + 37 minutes worked in November
        invoice.Lines.ShouldNotContain(l => l.Kind == LineKinds.BlockPurchase); // both were bought before November
        invoice.Total.ShouldBe(87.50m);
    }

    [Fact]
    public void BuildInvoice_BlockEntries_DrawUnroundedMinutes()
    {
        var block = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 10, 1), null, 1m, 150m, 160m);
        var entries = Enumerable.Range(1, 8).Select(d => new BlockDrawdown.Entry(Nov(d), 7)).ToArray();

        var line = Build(Client("Blocky") with { Blocks = [block], BlockEntries = entries }).Line(BlockKey(block));

        // 8 × 7 = 56 unrounded minutes from 60: 4 min left, no overage (rounding each entry to 15 would have drawn 120).
        line.Amount.ShouldBe(0m);
        line.Provenance.BlockMinutesBefore.ShouldBe(60);
        line.Provenance.BlockMinutesAfter.ShouldBe(4);
    }

    [Fact]
    public void BuildInvoice_ExpiredBlock_HasNoBalanceAndEverythingIsOverage()
    {
        var expired = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 5, 1), new DateOnly(2026, 10, 31), 10m, 1400m, 160m);

        var line = Build(Client("Blocky") with { Blocks = [expired], BlockEntries = [new(Nov(4), 45)] }).Line(BlockKey(expired));

        // Nothing left to draw: 45 min → up to 15 → 45 min = 0.75 h × $160 = $120.00
        line.Provenance.BlockMinutesBefore.ShouldBe(0);
        line.Quantity.ShouldBe(0.75m);
        line.Amount.ShouldBe(120.00m);
    }

    [Fact]
    public void BuildInvoice_BlockBoughtInTheMonth_IsBilledOnceAsAPurchase()
    {
        var block = new BlockInput(Guid.NewGuid(), Nov(5), null, 10m, 1500m, 165m);
        var client = Client("Blocky") with { Blocks = [block] };

        var november = Build(client);
        var december = Build(client, period: November.Next, now: new DateTime(2027, 1, 1, 9, 0, 0, DateTimeKind.Utc));

        var purchase = november.Line(BlockPurchaseKey(block));
        purchase.Kind.ShouldBe(LineKinds.BlockPurchase);
        purchase.Quantity.ShouldBe(1);
        purchase.Amount.ShouldBe(1500.00m);
        november.Total.ShouldBe(1500.00m);
        december.Lines.ShouldBeEmpty();
    }

    [Fact]
    public void BuildInvoice_BlockBoughtAfterTheMonth_DoesNotSetTheMonthsOverageOrBalance()
    {
        // November is billed in early December; a block bought on 1 December is already in the inputs.
        var november = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 10, 1), null, 1m, 150m, 160m);
        var december = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 12, 1), null, 10m, 1500m, 195m);

        var invoice = Build(Client("Blocky") with { Blocks = [november, december], BlockEntries = [new(Nov(20), 90)] });

        // 90 min against November's 60-minute block: 30 min over → 30 min = 0.5 h × $160 (November's newest block) = $80.00
        var line = invoice.Line(BlockKey(november));
        line.UnitPrice.ShouldBe(160m);
        line.Amount.ShouldBe(80.00m);
        line.Provenance.BlockMinutesBefore.ShouldBe(60); // not the 600 minutes bought in December
        invoice.Lines.ShouldNotContain(l => l.Key == BlockPurchaseKey(december));
    }

    // ───────────── One-off charges, credits, credit memos ─────────────

    [Fact]
    public void BuildInvoice_OneOffCharges_OnlyThoseDatedInThePeriod()
    {
        var first = Charge(Nov(1), "Cabling", 120m);
        var last = Charge(Nov(30), "Dell OptiPlex 7020", 849.99m, quantity: 2, item: Hardware);
        var october = Charge(new DateOnly(2026, 10, 31), "October job", 500m);
        var december = Charge(new DateOnly(2026, 12, 1), "December job", 500m);

        var invoice = Build(Client("Acme") with { Charges = [december, last, october, first] });

        invoice.Lines.Select(l => l.Key).ShouldBe([ChargeKey(first), ChargeKey(last)]);
        invoice.Line(ChargeKey(last)).Amount.ShouldBe(1699.98m); // 2 × $849.99
        invoice.Line(ChargeKey(last)).Taxable.ShouldBeTrue();    // the hardware item's flag travels to the target
        invoice.Total.ShouldBe(1819.98m);                        // 120.00 + 1,699.98
    }

    [Fact]
    public void BuildInvoice_Credit_IsANegativeLine()
    {
        var workstations = Manual(Workstation, 4);
        var credit = Charge(Nov(12), "Cancelled licence refund", -19.99m, quantity: 3);

        var invoice = Build(Client("Acme") with { Lines = [workstations], Charges = [credit] });

        invoice.Line(ChargeKey(credit)).Amount.ShouldBe(-59.97m); // 3 × −$19.99
        invoice.Total.ShouldBe(120.03m);                          // 4 × $45 = 180.00 − 59.97
        invoice.IsCreditMemo.ShouldBeFalse();
    }

    [Fact]
    public void BuildInvoice_NegativeTotal_IsACreditMemoWithAWarning()
    {
        var workstations = Manual(Workstation, 2);
        var credit = Charge(Nov(3), "Goodwill credit", -250m);

        var invoice = Build(Client("Acme") with { Lines = [workstations], Charges = [credit] });

        invoice.Total.ShouldBe(-160.00m); // 2 × $45 = 90.00 − 250.00
        invoice.IsCreditMemo.ShouldBeTrue();
        invoice.Warnings.ShouldHaveSingleItem().ShouldContain("credit memo");
    }

    // ───────────── Diff against the last posted invoice ─────────────

    [Fact]
    public void BuildInvoice_AgainstLastMonth_EachLineIsNewRemovedUpDownOrSame()
    {
        var added = Manual(CloudBackup, 1);
        var ended = Manual(Firewall, 1, to: Nov(1));
        var up = Manual(Workstation, 6);
        var down = Manual(Server, 1);
        var same = Manual(HelpDesk, 10);
        var previous = October(1000m,
            Posted(ended, 1, 85m, 85m),
            Posted(up, 5, 45m, 225m),
            Posted(down, 2, 150m, 300m),
            Posted(same, 10, 15m, 150m));

        var invoice = Build(Client("Acme") with { Lines = [added, ended, up, down, same], Previous = previous });

        Check(invoice.Line(LineKey(added)), ChangeKinds.New, quantityDelta: 1, amountDelta: 60m);      // new: 1 × $60
        Check(invoice.Line(LineKey(ended)), ChangeKinds.Removed, quantityDelta: -1, amountDelta: -85m); // was 1 × $85
        Check(invoice.Line(LineKey(up)), ChangeKinds.Up, quantityDelta: 1, amountDelta: 45m);           // 6 × 45 = 270 − 225
        Check(invoice.Line(LineKey(down)), ChangeKinds.Down, quantityDelta: -1, amountDelta: -150m);    // 1 × 150 = 150 − 300
        Check(invoice.Line(LineKey(same)), ChangeKinds.Same, quantityDelta: 0, amountDelta: 0m);        // 10 × 15 = 150 − 150
        var removed = invoice.Line(LineKey(ended));
        removed.Excluded.ShouldBeTrue();
        removed.PreviousAmount.ShouldBe(85m);
        removed.Reasons.ShouldContain("Line ended or removed from the agreement");
        invoice.Line(LineKey(up)).Reasons.ShouldContain("Quantity 5 → 6");
        invoice.Line(LineKey(same)).Reasons.ShouldBeEmpty();
        invoice.Total.ShouldBe(630.00m);         // 60 + 270 + 150 + 150; the removed line bills nothing
        invoice.PreviousTotal.ShouldBe(1000m);
        invoice.Changed.ShouldBeTrue();

        static void Check(InvoiceLine line, string change, decimal quantityDelta, decimal amountDelta)
        {
            line.Change.ShouldBe(change);
            line.QuantityDelta.ShouldBe(quantityDelta);
            line.AmountDelta.ShouldBe(amountDelta);
        }
    }

    [Fact]
    public void BuildInvoice_DevicesChanged_NamesAddedAndRemovedFromEvidence()
    {
        var line = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne", Devices("Dogwood", Fresh, Workstations("DOG-WS", 1, 2, 3, 4, 5, 7, 8))));
        var previous = October(270m, Posted(line, 6, 45m, 270m, source: "NinjaOne workstations", evidence: ["DOG-WS-01", "DOG-WS-02", "DOG-WS-03", "DOG-WS-04", "DOG-WS-05", "DOG-WS-06"]));

        var billed = Build(Client("Dogwood") with { Lines = [line], Previous = previous }).Line(LineKey(line));

        billed.Change.ShouldBe(ChangeKinds.Up);
        billed.QuantityDelta.ShouldBe(1);       // 7 − 6
        billed.AmountDelta.ShouldBe(45m);       // 7 × 45 = 315 − 270
        billed.Provenance.Added.ShouldBe(["DOG-WS-07", "DOG-WS-08"]);
        billed.Provenance.Removed.ShouldBe(["DOG-WS-06"]);
        billed.Reasons.ShouldContain("+2 workstations added: DOG-WS-07, DOG-WS-08");
        billed.Reasons.ShouldContain("−1 workstation removed: DOG-WS-06");
    }

    [Fact]
    public void BuildInvoice_SeatsChanged_SaysSeatsBeforeAndAfter()
    {
        var line = Vendor(BusinessStandard, Bind(Pax8, SourceMetrics.Licences, "p-std"), Source("Pax8", Licences("Canyon", Fresh, Subscription("s-1", "p-std", "Microsoft 365 Business Standard", 12))));
        var previous = October(210m, Posted(line, 14, 15m, 210m, source: "Pax8 licences · p-std (purchased)", evidence: ["Microsoft 365 Business Standard × 14 purchased (Active)"]));

        var billed = Build(Client("Canyon") with { Lines = [line], Previous = previous }).Line(LineKey(line));

        billed.Change.ShouldBe(ChangeKinds.Down);
        billed.Amount.ShouldBe(180.00m);        // 12 × $15
        billed.AmountDelta.ShouldBe(-30m);      // 180 − 210
        billed.Reasons.ShouldContain("Seats 14 → 12");
    }

    [Fact]
    public void BuildInvoice_PriceChanged_SaysOldAndNewPrice()
    {
        var line = Manual(HelpDesk, 20, price: 15m);
        var previous = October(200m, Posted(line, 20, 10m, 200m));

        var billed = Build(Client("Cedar") with { Lines = [line], Previous = previous }).Line(LineKey(line));

        billed.Change.ShouldBe(ChangeKinds.Up);
        billed.Amount.ShouldBe(300.00m);        // 20 × $15
        billed.AmountDelta.ShouldBe(100m);      // 300 − 200
        billed.QuantityDelta.ShouldBe(0);
        billed.Reasons.ShouldBe(["Price $10.00 → $15.00"]);
    }

    [Fact]
    public void BuildInvoice_LineEndedMidMonthAfterAFullMonth_SaysProrated()
    {
        var line = Manual(Server, 1, to: Nov(11));
        var previous = October(150m, Posted(line, 1, 150m, 150m));

        var billed = Build(Client("Grove") with { Lines = [line], Previous = previous }).Line(LineKey(line));

        billed.Change.ShouldBe(ChangeKinds.Down);
        billed.Amount.ShouldBe(50.00m);          // $150 × 10/30
        billed.AmountDelta.ShouldBe(-100m);      // 50 − 150
        billed.Reasons.ShouldBe(["Prorated: 10 of 30 days"]);
    }

    [Fact]
    public void BuildInvoice_ManualOverride_IsItsOwnReason()
    {
        var line = Manual(Workstation, 6);
        var previous = October(270m, Posted(line, 6, 45m, 270m));
        var adjustment = new AdjustmentInput(LineKey(line), 5, null, false, null, null, null, "Laptop returned on the 2nd");

        var billed = Build(Client("Acme") with { Lines = [line], Previous = previous, Adjustments = [adjustment] }).Line(LineKey(line));

        billed.Quantity.ShouldBe(5);
        billed.Amount.ShouldBe(225.00m);         // 5 × $45
        billed.Change.ShouldBe(ChangeKinds.Down);
        billed.AmountDelta.ShouldBe(-45m);       // 225 − 270
        billed.Reasons.ShouldContain("Manual override: quantity 6 → 5 (Laptop returned on the 2nd)");
    }

    // ───────────── Flags ─────────────

    [Theory]
    [InlineData(25, true)]  // 25 h old against 24 h: stale
    [InlineData(23, false)] // 23 h old: fresh
    public void BuildInvoice_SnapshotOlderThanThreshold_FlagsStale(int hoursOld, bool stale)
    {
        var line = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne", Devices("Linden", Now.AddHours(-hoursOld), Workstations("LIN-WS", 1, 2, 3))));

        var invoice = Build(Client("Linden") with { Lines = [line] });

        var billed = invoice.Line(LineKey(line));
        billed.Flags.Any(f => f.Kind == FlagKinds.Stale).ShouldBe(stale);
        billed.NeedsDecision.ShouldBe(stale);
        invoice.OpenFlags.ShouldBe(stale ? 1 : 0);
        billed.Amount.ShouldBe(135.00m); // a flag holds the line for a decision; the count is still shown: 3 × $45
    }

    [Fact]
    public void BuildInvoice_LastSyncFailed_FlagsSyncFailed()
    {
        var source = Source("Huntress", Devices("Acme", Fresh, Device("H-1"), Device("H-2"))) with { LastSyncFailed = true, LastError = "401 Unauthorized" };
        var line = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), source);

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        billed.Flags.ShouldHaveSingleItem().Kind.ShouldBe(FlagKinds.SyncFailed);
        billed.Flags[0].Message.ShouldContain("401 Unauthorized");
        billed.Amount.ShouldBe(12.00m); // last good count: 2 × $6
    }

    [Fact]
    public void BuildInvoice_NoMappedOrganisation_FlagsUnmapped()
    {
        var line = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), new SourceData("NinjaOne", true, false, null, 0, []));

        var billed = Build(Client("Maple") with { Lines = [line] }).Line(LineKey(line));

        billed.Flags.ShouldHaveSingleItem().Kind.ShouldBe(FlagKinds.Unmapped);
        billed.Quantity.ShouldBe(0);
        billed.NeedsDecision.ShouldBeTrue();
    }

    [Fact]
    public void BuildInvoice_VendorLineWithoutConnection_FlagsNoSource()
    {
        var line = Manual(Workstation, 9) with { VendorSourced = true };

        var billed = Build(Client("Acme") with { Lines = [line] }).Line(LineKey(line));

        billed.Flags.ShouldHaveSingleItem().Kind.ShouldBe(FlagKinds.NoSource);
        billed.Quantity.ShouldBe(0); // never the stale manual number
        billed.NeedsDecision.ShouldBeTrue();
    }

    [Theory]
    [InlineData(26, 0, true)]    // fell to 0
    [InlineData(100, 50, true)]  // fell by 50 %
    [InlineData(100, 51, false)] // fell by 49 %: churn, not a sync problem
    [InlineData(10, 12, false)]  // grew
    public void BuildInvoice_CountFellAgainstLastMonth_FlagsDropAtZeroOrHalf(int before, int now, bool flagged)
    {
        var agents = Enumerable.Range(1, now).Select(i => Device($"KES-{i:000}")).ToArray();
        var line = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), Source("Huntress", Devices("Kestrel", Fresh, agents)));
        var previous = October(before * 6m, Posted(line, before, 6m, before * 6m));

        var billed = Build(Client("Kestrel") with { Lines = [line], Previous = previous }).Line(LineKey(line));

        billed.Flags.Any(f => f.Kind == FlagKinds.Drop).ShouldBe(flagged);
        billed.Quantity.ShouldBe(now);
    }

    [Fact]
    public void BuildInvoice_CountZeroWithoutLastMonth_HasNoDropFlag()
    {
        var line = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), Source("Huntress", Devices("Kestrel", Fresh)));

        var billed = Build(Client("Kestrel") with { Lines = [line] }).Line(LineKey(line));

        billed.Quantity.ShouldBe(0);
        billed.Flags.ShouldBeEmpty();
    }

    [Fact]
    public void BuildInvoice_PriceBelowCost_FlagsBelowCost()
    {
        var below = Manual(Workstation, 2, price: 10m);   // cost $12
        var atCost = Manual(Server, 1, price: 40m);       // cost $40: not below

        var invoice = Build(Client("Acme") with { Lines = [below, atCost] });

        invoice.Line(LineKey(below)).Flags.ShouldHaveSingleItem().Kind.ShouldBe(FlagKinds.BelowCost);
        invoice.Line(LineKey(atCost)).Flags.ShouldBeEmpty();
    }

    // ───────────── Adjustments ─────────────

    [Fact]
    public void BuildInvoice_QuantityOverrideOnProratedLine_KeepsTheProration()
    {
        var line = Manual(Workstation, 4, from: Nov(16));
        var adjustment = new AdjustmentInput(LineKey(line), 2, null, false, null, null, null, "Two were returned");

        var billed = Build(Client("Acme") with { Lines = [line], Adjustments = [adjustment] }).Line(LineKey(line));

        billed.Quantity.ShouldBe(2);
        billed.Amount.ShouldBe(45.00m); // $45 × 2 × 15/30 = $45.00 (not 2 × $45 = $90)
    }

    [Fact]
    public void BuildInvoice_PriceOverride_RecomputesTheAmount()
    {
        var line = Manual(Workstation, 4, from: Nov(16));
        var adjustment = new AdjustmentInput(LineKey(line), null, 50m, false, null, null, null, "Contract price");

        var billed = Build(Client("Acme") with { Lines = [line], Adjustments = [adjustment] }).Line(LineKey(line));

        billed.UnitPrice.ShouldBe(50m);
        billed.Amount.ShouldBe(100.00m); // $50 × 4 × 15/30
        billed.Reasons.ShouldContain("Manual override: price $45.00 → $50.00 (Contract price)");
    }

    [Fact]
    public void BuildInvoice_RemovedLine_BillsNothingAndStaysVisible()
    {
        var kept = Manual(Workstation, 4);
        var removed = Manual(Server, 1);
        var adjustment = new AdjustmentInput(LineKey(removed), null, null, true, null, null, null, "Server decommissioned");

        var invoice = Build(Client("Acme") with { Lines = [kept, removed], Adjustments = [adjustment] });

        var line = invoice.Line(LineKey(removed));
        line.Excluded.ShouldBeTrue();
        line.Reasons.ShouldContain("Excluded by hand (Server decommissioned)");
        invoice.Total.ShouldBe(180.00m); // 4 × $45; the $150 server is not billed
    }

    [Fact]
    public void BuildInvoice_AcceptDecision_KeepsAmountAndClearsNeedsDecision()
    {
        var line = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), Source("Huntress", Devices("Kestrel", Fresh, Device("K-1"), Device("K-2"))));
        var previous = October(60m, Posted(line, 10, 6m, 60m));
        var accept = new AdjustmentInput(LineKey(line), null, null, false, Decisions.Accept, null, null, "Client sold eight laptops");

        var undecided = Build(Client("Kestrel") with { Lines = [line], Previous = previous });
        var decided = Build(Client("Kestrel") with { Lines = [line], Previous = previous, Adjustments = [accept] });

        undecided.Line(LineKey(line)).NeedsDecision.ShouldBeTrue();   // 10 → 2 is an 80 % drop
        undecided.OpenFlags.ShouldBe(1);
        var accepted = decided.Line(LineKey(line));
        accepted.Decision.ShouldBe(Decisions.Accept);
        accepted.NeedsDecision.ShouldBeFalse();
        accepted.Flags.ShouldHaveSingleItem().Kind.ShouldBe(FlagKinds.Drop); // the flag stays visible
        accepted.Amount.ShouldBe(12.00m);                                    // 2 × $6, as computed
        decided.OpenFlags.ShouldBe(0);
        decided.Total.ShouldBe(12.00m);
    }

    [Fact]
    public void BuildInvoice_OverrideDecisionWithQuantity_BillsThatQuantity()
    {
        var line = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), Source("Huntress", Devices("Kestrel", Fresh)));
        var previous = October(156m, Posted(line, 26, 6m, 156m));
        var decision = new AdjustmentInput(LineKey(line), 26, null, false, Decisions.Override, null, null, "Huntress API outage; agents still installed");

        var invoice = Build(Client("Kestrel") with { Lines = [line], Previous = previous, Adjustments = [decision] });

        var billed = invoice.Line(LineKey(line));
        billed.Quantity.ShouldBe(26);
        billed.Amount.ShouldBe(156.00m); // 26 × $6
        billed.Decision.ShouldBe(Decisions.Override);
        billed.NeedsDecision.ShouldBeFalse();
        billed.Change.ShouldBe(ChangeKinds.Same);
        invoice.OpenFlags.ShouldBe(0);
    }

    [Fact]
    public void BuildInvoice_ExcludeDecision_BillsNothing()
    {
        var line = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), new SourceData("NinjaOne", true, false, null, 0, []));
        var other = Manual(Firewall, 1);
        var decision = new AdjustmentInput(LineKey(line), null, null, false, Decisions.Exclude, null, null, "Not a managed client for devices yet");

        var invoice = Build(Client("Maple") with { Lines = [line, other], Adjustments = [decision] });

        invoice.Line(LineKey(line)).Excluded.ShouldBeTrue();
        invoice.Line(LineKey(line)).NeedsDecision.ShouldBeFalse();
        invoice.OpenFlags.ShouldBe(0);
        invoice.Total.ShouldBe(85.00m); // the firewall only
    }

    // ───────────── Highlight thresholds ─────────────

    [Theory]
    [InlineData(100, 104, false)]   // +$4 (4 %): under $5
    [InlineData(10, 14, false)]     // +$4 (40 %): under $5 although far over 10 %
    [InlineData(100, 109, false)]   // +$9 but 9 %: under 10 %
    [InlineData(1000, 1006, false)] // +$6 but 0.6 %: under 10 %
    [InlineData(100, 120, true)]    // +$20 and 20 %
    [InlineData(100, 88, true)]     // −$12 and 12 %: a fall is highlighted too
    public void BuildInvoice_HighlightThresholds_NeedBothPercentAndAmount(int before, int now, bool expected)
    {
        var settings = new EngineSettings(HighlightPercent: 10, HighlightAmount: 5);
        var line = Manual(HelpDesk, 1, price: now);
        var previous = October(before, Posted(line, 1, before, before));

        var billed = Build(Client("Acme") with { Lines = [line], Previous = previous }, settings).Line(LineKey(line));

        billed.Change.ShouldNotBe(ChangeKinds.Same);
        billed.Highlighted.ShouldBe(expected);
    }

    [Fact]
    public void BuildInvoice_DefaultThresholds_HighlightAnyChange()
    {
        var line = Manual(HelpDesk, 1, price: 100.01m);
        var previous = October(100m, Posted(line, 1, 100m, 100m));

        var billed = Build(Client("Acme") with { Lines = [line], Previous = previous }).Line(LineKey(line));

        billed.AmountDelta.ShouldBe(0.01m); // 100.01 − 100.00
        billed.Highlighted.ShouldBeTrue();
    }

    // ───────────── Determinism ─────────────

    [Fact]
    public void Build_SameInputsInAnotherOrder_GivesIdenticalOutput()
    {
        var clients = DeterminismClients();
        var reordered = clients.AsEnumerable().Reverse().Select(Reorder).ToList();

        var first = BillingEngine.Build(November, clients, Defaults, SupportTime, BlockHours, Now);
        var second = BillingEngine.Build(November, reordered, Defaults, SupportTime, BlockHours, Now);

        second.Select(i => i.ClientName).ShouldBe(["Alpha LLC", "Mid Co", "Zeta Corp"]);
        first.Select(i => i.ClientName).ShouldBe(["Alpha LLC", "Mid Co", "Zeta Corp"]);
        foreach (var (a, b) in first.Zip(second))
        {
            b.Lines.Select(l => l.Key).ShouldBe(a.Lines.Select(l => l.Key), $"line order of {a.ClientName}");
            foreach (var (la, lb) in a.Lines.Zip(b.Lines))
            {
                JsonSerializer.Serialize(lb).ShouldBe(JsonSerializer.Serialize(la), $"{a.ClientName} {la.Description}");
            }

            JsonSerializer.Serialize(b).ShouldBe(JsonSerializer.Serialize(a));
        }
    }

    private static List<ClientInput> DeterminismClients()
    {
        var ws = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne",
            Devices("Zeta East", Fresh, Workstations("ZE", 1, 2, 3)),
            Devices("Zeta West", Fresh, [.. Workstations("ZW", 1, 2), Device("ZW-09", approved: false)])));
        var seats = Vendor(BusinessStandard, Bind(Pax8, SourceMetrics.Licences, "p-std"), Source("Pax8", Licences("Zeta", Fresh,
            Subscription("s-2", "p-std", "Microsoft 365 Business Standard", 4),
            Subscription("s-1", "p-std", "Microsoft 365 Business Standard", 10),
            Subscription("s-3", "p-std", "Microsoft 365 Business Standard", 2, status: "Cancelled"))));
        var manual = Manual(HelpDesk, 12);
        var ended = Manual(Firewall, 1, to: Nov(1));
        var ended2 = Manual(CloudBackup, 1, to: Nov(1));
        var zeta = Client("Zeta Corp", increment: 6, minimum: 30) with
        {
            Lines = [ws, seats, manual, ended, ended2],
            Tickets =
            [
                Ticket(11, "A", true, Entry(3, 20, BillingClass.Billable), Entry(3, 25, BillingClass.Billable), Entry(4, 5, BillingClass.Billable)),
                Ticket(12, "B", true, Entry(5, 7, BillingClass.Billable)),
                Ticket(13, "C", false, Entry(6, 30, null)),
            ],
            Charges = [Charge(Nov(8), "Switch", 399m, item: Hardware), Charge(Nov(8), "Cables", 45m), Charge(Nov(9), "Goodwill", -20m)],
            Blocks = [new BlockInput(Guid.NewGuid(), new DateOnly(2026, 9, 1), null, 2m, 300m, 160m), new BlockInput(Guid.NewGuid(), new DateOnly(2026, 10, 1), null, 1m, 150m, 170m)],
            BlockEntries = [new(Nov(2), 50), new(Nov(2), 70), new(Nov(7), 45)],
            Previous = October(900m,
                Posted(manual, 10, 15m, 150m),
                Posted(ended, 1, 85m, 85m),
                Posted(ended2, 1, 60m, 60m),
                Posted(ws, 4, 45m, 180m, source: "NinjaOne workstations", evidence: ["ZE-01 (Zeta East)", "ZW-03 (Zeta West)", "ZE-02 (Zeta East)", "ZW-01 (Zeta West)"])),
        };
        zeta = zeta with
        {
            Adjustments =
            [
                new AdjustmentInput(LineKey(manual), 11, null, false, null, null, null, "One user left"),
                new AdjustmentInput("added:0000000000000000000000000000000a", 2, 25m, false, null, CloudBackup, "Extra backup seats", "Asked by phone"),
                new AdjustmentInput("added:0000000000000000000000000000000b", 1, null, false, null, Firewall, null, "Temporary firewall"),
            ],
        };
        var alpha = Client("Alpha LLC") with { Lines = [Manual(Workstation, 3), Manual(Server, 1, from: Nov(16))] };
        var mid = Client("Mid Co") with { Lines = [Manual(Workstation, 2), Manual(Workstation, 2, from: Nov(10))] };
        return [zeta, alpha, mid];
    }

    private static ClientInput Reorder(ClientInput c) => c with
    {
        Lines = [.. c.Lines.Reverse().Select(l => l.Source is null ? l : l with { Source = l.Source with { Snapshots = [.. l.Source.Snapshots.Reverse().Select(s => s with { Assets = [.. s.Assets.Reverse()], Licences = [.. s.Licences.Reverse()] })] } })],
        Tickets = [.. c.Tickets.Reverse().Select(t => t with { Entries = [.. t.Entries.Reverse()] })],
        Blocks = [.. c.Blocks.Reverse()],
        BlockEntries = [.. c.BlockEntries.Reverse()],
        Charges = [.. c.Charges.Reverse()],
        Adjustments = [.. c.Adjustments.Reverse()],
        Previous = c.Previous is null ? null : c.Previous with { Lines = [.. c.Previous.Lines.Reverse()] },
    };

    private static decimal Parse(string amount) => decimal.Parse(amount, CultureInfo.InvariantCulture);
}
