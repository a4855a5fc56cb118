using CommandCenter.Billing;
using CommandCenter.Psa;
using CommandCenter.VendorSync;
using static CommandCenter.Tests.Billing.EngineInputs;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// A hand-computed month: November 2026 (30 days) for 13 clients, refreshed on 1 December 2026 at 09:00 UTC, against
/// October's posted invoices. Every line's quantity, unit price and amount, every invoice total and the month total
/// were worked out by hand (the arithmetic is in the comments) and the engine must match them to the cent.
/// Catalog: Managed Workstation $45 (cost $12) · Managed Server $150 (cost $40) · M365 Business Standard $15 ·
/// M365 Business Premium $26.40 · Huntress EDR $6 per agent · Cloud Backup $60 · Firewall Management $85 (cost $20) ·
/// Help Desk per User $15 (was $10 in October).
/// </summary>
public sealed class BillingGoldenMonthTests
{
    private static readonly DateOnly Due = new(2026, 12, 30); // 30 November + 30 days
    private static readonly Golden Month = new();

    public static TheoryData<string> Clients => [.. Month.Expected.Keys];

    /// <summary>The engine's drafts for the golden month, for tests of what is built from them (e.g. the IIF export).</summary>
    internal static IReadOnlyList<DraftInvoice> GoldenNovember() => Month.Run();

    [Theory]
    [MemberData(nameof(Clients))]
    public void Build_GoldenNovember_EachInvoiceMatchesToTheCent(string client)
    {
        var expected = Month.Expected[client];

        var invoice = Month.Run().Single(i => i.ClientName == client);

        invoice.Lines.Select(l => l.Key).ShouldBe(expected.Lines.Select(l => l.Key), ignoreOrder: true);
        foreach (var e in expected.Lines)
        {
            var line = invoice.Line(e.Key);
            line.Quantity.ShouldBe(e.Quantity, $"{client}: quantity of {line.Description}");
            line.UnitPrice.ShouldBe(e.UnitPrice, $"{client}: unit price of {line.Description}");
            line.Amount.ShouldBe(e.Amount, $"{client}: amount of {line.Description}");
            line.Change.ShouldBe(e.Change, $"{client}: change of {line.Description}");
            line.Flags.Select(f => f.Kind).ShouldBe(e.Flags, $"{client}: flags of {line.Description}");
            foreach (var reason in e.Reasons)
            {
                line.Reasons.ShouldContain(reason, $"{client}: reasons of {line.Description}");
            }
        }

        invoice.Total.ShouldBe(expected.Total, $"{client}: total");
        invoice.IsCreditMemo.ShouldBe(expected.Total < 0);
        invoice.OpenFlags.ShouldBe(expected.Lines.Count(l => l.Flags.Length > 0));
        invoice.Changed.ShouldBe(expected.Lines.Any(l => l.Change != ChangeKinds.Same));
        invoice.InvoiceDate.ShouldBe(new DateOnly(2026, 11, 30));
        invoice.DueDate.ShouldBe(expected.DueDate);
        invoice.Warnings.ShouldBe(expected.Warnings);
    }

    [Fact]
    public void Build_GoldenNovember_MonthTotalMatchesToTheCent()
    {
        var invoices = Month.Run();

        invoices.Count.ShouldBe(13);
        // 480.00 + 414.00 + 1,999.98 + 400.00 + 394.80 + 210.00 + 185.00 + 700.00 + 1,213.75 − 160.00 + 225.00 + 1,020.00 + 18.00
        invoices.Sum(i => i.Total).ShouldBe(7100.53m);
        invoices.Count(i => i.IsCreditMemo).ShouldBe(1);          // Juniper
        invoices.Count(i => i.Flagged).ShouldBe(3);               // Kestrel, Linden, Maple
        invoices.Sum(i => i.OpenFlags).ShouldBe(5);               // 1 + 2 + 2
        invoices.Count(i => !i.Changed).ShouldBe(1);              // Alder bills exactly what it billed in October
        invoices.Select(i => i.ClientName).ShouldBe(Month.Expected.Keys.Order(StringComparer.OrdinalIgnoreCase)); // by name
    }

    [Fact]
    public void Build_GoldenNovember_ExplainsWhatMoved()
    {
        var invoices = Month.Run().ToDictionary(i => i.ClientName);

        // Block hours: 630 min before (Block A 330 + Block B 300; the expired block shows none), nothing after.
        var block = invoices["Ironwood Property Mgmt"].Line(BlockKey(Month.IronwoodNewest));
        block.Provenance.BlockMinutesBefore.ShouldBe(630);
        block.Provenance.BlockMinutesAfter.ShouldBe(0);
        block.Provenance.Count.ShouldBe(700);                     // 200 + 250 + 150 + 100 minutes in November

        var dogwood = invoices["Dogwood Logistics"].Line(LineKey(Month.DogwoodWorkstations));
        dogwood.Provenance.Added.ShouldBe(["DOG-WS-07", "DOG-WS-08"]);
        dogwood.Provenance.Removed.ShouldBe(["DOG-WS-06"]);

        var birch = invoices["Birch & Co Accounting"].Line(LineKey(Month.BirchAgents));
        birch.Provenance.Added.ShouldBe(["BPY-H-03"]);

        var kestrel = invoices["Kestrel Title Co"].Line(LineKey(Month.KestrelAgents));
        kestrel.Flags.ShouldHaveSingleItem().Message.ShouldContain("fell from 26 to 0");
        kestrel.Provenance.NotCounted.Count.ShouldBe(2);          // the two isolated agents are listed with why

        var maple = invoices["Maple Leaf Realty"];
        maple.Lines.ShouldAllBe(l => l.Change == ChangeKinds.New);
        maple.Lines.SelectMany(l => l.Flags).ShouldNotContain(f => f.Kind == FlagKinds.Drop); // no last month, no drop flag
    }

    private sealed record ExpectedLine(string Key, decimal Quantity, decimal UnitPrice, decimal Amount, string Change, string[] Flags, string[] Reasons);

    private sealed record ExpectedInvoice(decimal Total, DateOnly DueDate, IReadOnlyList<ExpectedLine> Lines, IReadOnlyList<string> Warnings);

    private static ExpectedLine L(string key, decimal quantity, decimal unitPrice, decimal amount, string change, string[]? flags = null, params string[] reasons) =>
        new(key, quantity, unitPrice, amount, change, flags ?? [], reasons);

    /// <summary>The month's inputs (what the database would hold) and the invoices computed by hand.</summary>
    private sealed class Golden
    {
        private static readonly DateTime LegacySync = new(2026, 11, 29, 6, 0, 0, DateTimeKind.Utc); // 51 h before the refresh

        private readonly List<ClientInput> _clients = [];

        public Dictionary<string, ExpectedInvoice> Expected { get; } = [];

        public LineInput DogwoodWorkstations { get; }
        public LineInput BirchAgents { get; }
        public LineInput KestrelAgents { get; }
        public BlockInput IronwoodNewest { get; }

        public IReadOnlyList<DraftInvoice> Run() => BillingEngine.Build(November, _clients, Defaults, SupportTime, BlockHours, Now);

        public Golden()
        {
            // ── 1. Alder Dental Group: managed; NinjaOne workstations with 5 included and a minimum of 2, servers with a minimum of 2.
            {
                var ninja = Source("NinjaOne", Devices("Alder Dental", Fresh, [.. Workstations("ALD-WS", 1, 2, 3, 4, 5, 6, 7, 8, 9),
                    Device("ALD-WS-10", approved: false), Device("ALD-SRV-01", AssetClasses.Server), Device("ALD-SRV-02", AssetClasses.Server, approved: false)]));
                var ws = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), ninja, included: 5, minimum: 2);
                var srv = Vendor(Server, Bind(Ninja, SourceMetrics.Servers), ninja, minimum: 2);
                Add(Client("Alder Dental Group") with
                {
                    Lines = [ws, srv],
                    Previous = October(480m,
                        Posted(ws, 4, 45m, 180m, 9, "NinjaOne workstations", [.. Enumerable.Range(1, 9).Select(i => $"ALD-WS-{i:00}")]),
                        Posted(srv, 2, 150m, 300m, 1, "NinjaOne servers", "ALD-SRV-01")),
                },
                480.00m,
                L(LineKey(ws), 4, 45m, 180.00m, ChangeKinds.Same),   // 9 approved (ALD-WS-10 pending): max(2, 9 − 5) = 4; 4 × 45 = 180.00
                L(LineKey(srv), 2, 150m, 300.00m, ChangeKinds.Same)); // 1 approved server: max(2, 1 − 0) = 2; 2 × 150 = 300.00
                // total 180.00 + 300.00 = 480.00
            }

            // ── 2. Birch & Co Accounting: sister companies, two organisations mapped on NinjaOne and on Huntress.
            {
                var ws = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne",
                    Devices("Birch & Co", Fresh, Workstations("BIR-WS", 1, 2, 3, 4, 5)),
                    Devices("Birch Payroll Services", Fresh, Workstations("BPY-WS", 1, 2, 3))));
                BirchAgents = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), Source("Huntress",
                    Devices("Birch & Co", Fresh, Workstations("BIR-H", 1, 2, 3, 4, 5, 6)),
                    Devices("Birch Payroll Services", Fresh, Workstations("BPY-H", 1, 2, 3))));
                Add(Client("Birch & Co Accounting") with
                {
                    Lines = [ws, BirchAgents],
                    Previous = October(408m,
                        Posted(ws, 8, 45m, 360m, 8, "NinjaOne workstations", [.. Enumerable.Range(1, 5).Select(i => $"BIR-WS-{i:00}"), .. Enumerable.Range(1, 3).Select(i => $"BPY-WS-{i:00}")]),
                        Posted(BirchAgents, 8, 6m, 48m, 8, "Huntress agents", [.. Enumerable.Range(1, 6).Select(i => $"BIR-H-{i:00}"), .. Enumerable.Range(1, 2).Select(i => $"BPY-H-{i:00}")])),
                },
                414.00m,
                L(LineKey(ws), 8, 45m, 360.00m, ChangeKinds.Same),                   // 5 + 3 = 8; 8 × 45 = 360.00
                L(LineKey(BirchAgents), 9, 6m, 54.00m, ChangeKinds.Up, null,         // 6 + 3 = 9; 9 × 6 = 54.00 (October 8 × 6 = 48.00)
                    "+1 agent added: BPY-H-03"));
                // total 360.00 + 54.00 = 414.00
            }

            // ── 3. Cedar Point Auto: Help Desk price $10 → $15; a hardware sale; a charge dated December is not November's.
            {
                var helpDesk = Manual(HelpDesk, 20);
                var laptops = Charge(Nov(18), "Dell OptiPlex 7020", 849.99m, quantity: 2, item: Hardware);
                var december = Charge(new DateOnly(2026, 12, 2), "Monitor arms", 129m, item: Hardware);
                Add(Client("Cedar Point Auto") with { Lines = [helpDesk], Charges = [laptops, december], Previous = October(200m, Posted(helpDesk, 20, 10m, 200m)) },
                1999.98m,
                L(LineKey(helpDesk), 20, 15m, 300.00m, ChangeKinds.Up, null, "Price $10.00 → $15.00"), // 20 × 15 = 300.00 (October 20 × 10 = 200.00)
                L(ChargeKey(laptops), 2, 849.99m, 1699.98m, ChangeKinds.New));                         // 2 × 849.99 = 1,699.98
                // total 300.00 + 1,699.98 = 1,999.98
            }

            // ── 4. Dogwood Logistics: DOG-WS-06 retired, DOG-WS-07 and -08 added; one firewall on SonicWall.
            {
                DogwoodWorkstations = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne", Devices("Dogwood", Fresh, Workstations("DOG-WS", 1, 2, 3, 4, 5, 7, 8))));
                var firewall = Vendor(Firewall, Bind(SonicWall, SourceMetrics.Firewalls), Source("SonicWall", Devices("Dogwood", Fresh, Device("DOG-TZ370", AssetClasses.Firewall))));
                Add(Client("Dogwood Logistics") with
                {
                    Lines = [DogwoodWorkstations, firewall],
                    Previous = October(355m,
                        Posted(DogwoodWorkstations, 6, 45m, 270m, 6, "NinjaOne workstations", [.. Enumerable.Range(1, 6).Select(i => $"DOG-WS-{i:00}")]),
                        Posted(firewall, 1, 85m, 85m, 1, "SonicWall firewalls", "DOG-TZ370")),
                },
                400.00m,
                L(LineKey(DogwoodWorkstations), 7, 45m, 315.00m, ChangeKinds.Up, null,   // 7 × 45 = 315.00 (October 6 × 45 = 270.00)
                    "+2 workstations added: DOG-WS-07, DOG-WS-08", "−1 workstation removed: DOG-WS-06"),
                L(LineKey(firewall), 1, 85m, 85.00m, ChangeKinds.Same));                // 1 × 85 = 85.00
                // total 315.00 + 85.00 = 400.00
            }

            // ── 5. Elm Street Pediatrics: Business Standard billed as purchased on Pax8, Business Premium as assigned on Graph.
            {
                var standard = Vendor(BusinessStandard, Bind(Pax8, SourceMetrics.Licences, "Microsoft 365 Business Standard"), Source("Pax8", Licences("Elm Street", Fresh,
                    Subscription("s-1", "p-std", "Microsoft 365 Business Standard", 10),
                    Subscription("s-2", "p-std", "Microsoft 365 Business Standard", 4),
                    Subscription("s-3", "p-std", "Microsoft 365 Business Standard", 3, status: "Cancelled"),
                    Subscription("s-4", "p-std", "Microsoft 365 Business Standard", 5, status: "Trial"))));
                var premium = Vendor(BusinessPremium, Bind(Graph, SourceMetrics.Licences, "SPB", VendorBinding.Assigned), Source("Microsoft Graph", Licences("Elm Street", Fresh,
                    Subscription("g-1", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB", 10, status: "Enabled", assigned: 7, sku: "SPB"))));
                Add(Client("Elm Street Pediatrics") with
                {
                    Lines = [standard, premium],
                    Previous = October(364.80m, Posted(standard, 12, 15m, 180m, 12, "Pax8 licences"), Posted(premium, 7, 26.40m, 184.80m, 7, "Microsoft Graph licences")),
                },
                394.80m,
                L(LineKey(standard), 14, 15m, 210.00m, ChangeKinds.Up, null, "Seats 12 → 14"), // Active 10 + 4 (Cancelled 3, Trial 5 not counted) = 14; 14 × 15 = 210.00
                L(LineKey(premium), 7, 26.40m, 184.80m, ChangeKinds.Same));                    // 10 bought, 7 assigned → 7; 7 × 26.40 = 184.80
                // total 210.00 + 184.80 = 394.80
            }

            // ── 6. Fir Ridge Brewing: Cloud Backup added from 16 November.
            {
                var backup = Manual(CloudBackup, 1, from: Nov(16));
                var ws = Manual(Workstation, 4);
                Add(Client("Fir Ridge Brewing") with { Lines = [backup, ws], Previous = October(180m, Posted(ws, 4, 45m, 180m)) },
                210.00m,
                L(LineKey(backup), 1, 60m, 30.00m, ChangeKinds.New, null, "Prorated: 15 of 30 days"), // 16..30 Nov = 15 days; 60 × 1 × 15/30 = 30.00
                L(LineKey(ws), 4, 45m, 180.00m, ChangeKinds.Same));                                   // 4 × 45 = 180.00
                // total 30.00 + 180.00 = 210.00
            }

            // ── 7. Grove Street Legal: the server ends on 11 November (exclusive); the firewall ended on 1 November.
            {
                var server = Manual(Server, 1, to: Nov(11));
                var firewall = Manual(Firewall, 1, to: Nov(1));
                var ws = Manual(Workstation, 3);
                Add(Client("Grove Street Legal") with
                {
                    Lines = [server, firewall, ws],
                    Previous = October(370m, Posted(server, 1, 150m, 150m), Posted(firewall, 1, 85m, 85m), Posted(ws, 3, 45m, 135m)),
                },
                185.00m,
                L(LineKey(server), 1, 150m, 50.00m, ChangeKinds.Down, null, "Prorated: 10 of 30 days"), // 1..10 Nov = 10 days; 150 × 10/30 = 50.00
                L(LineKey(firewall), 0, 85m, 0m, ChangeKinds.Removed, null, "Line ended or removed from the agreement"), // was 85.00, bills nothing
                L(LineKey(ws), 3, 45m, 135.00m, ChangeKinds.Same));                                     // 3 × 45 = 135.00
                // total 50.00 + 135.00 = 185.00
            }

            // ── 8. Hawthorn Design Studio: T&M at $140/h, 6-minute increments, 30-minute ticket minimum.
            {
                var printer = Ticket(101, "Printer offline", true, Entry(2, 20, BillingClass.Billable), Entry(3, 25, BillingClass.Billable));
                var password = Ticket(102, "Password reset", true, Entry(5, 8, BillingClass.Billable));
                var migration = Ticket(103, "Server migration", true, Entry(9, 95, BillingClass.Billable), Entry(10, 62, BillingClass.Billable));
                var newHire = Ticket(104, "New hire setup", true, Entry(12, 60, BillingClass.Included), Entry(12, 14, BillingClass.Billable));
                var vpn = Ticket(105, "VPN drops", true, Entry(28, 40, BillingClass.Billable, month: 10), Entry(16, 22, BillingClass.Billable));
                var open = Ticket(106, "Slow file server", false, Entry(20, 75, null));
                var warranty = Ticket(107, "Warranty RMA", true, Entry(21, 50, BillingClass.NonBillable));
                var october = new InvoiceLine { Key = $"ticket:{Guid.NewGuid():N}", Kind = LineKinds.Time, Description = "#95 Email migration", Quantity = 3, UnitPrice = 140m, Amount = 420m };
                Add(Client("Hawthorn Design Studio", rate: 140m, increment: 6, minimum: 30) with
                {
                    Tickets = [printer, password, migration, newHire, vpn, open, warranty],
                    Previous = October(420m, october),
                },
                700.00m,
                ["1.25 h on open tickets (#106) are not billed until the tickets are closed."], // 75 min = 1.25 h
                L(TicketKey(printer), 0.8m, 140m, 112.00m, ChangeKinds.New),   // 20 + 25 = 45 → up to 6 → 48 min = 0.8 h × 140 = 112.00
                L(TicketKey(password), 0.5m, 140m, 70.00m, ChangeKinds.New),   // 8 → 12 → minimum 30 = 0.5 h × 140 = 70.00
                L(TicketKey(migration), 2.7m, 140m, 378.00m, ChangeKinds.New), // 95 + 62 = 157 → 162 (27 × 6) = 2.7 h × 140 = 378.00
                L(TicketKey(newHire), 0.5m, 140m, 70.00m, ChangeKinds.New),    // only the entry overridden to Billable: 14 → 18 → 30 = 0.5 h × 140 = 70.00
                L(TicketKey(vpn), 0.5m, 140m, 70.00m, ChangeKinds.New));       // November's 22 only → 24 → 30 = 0.5 h × 140 = 70.00
                // total 112.00 + 70.00 + 378.00 + 70.00 + 70.00 = 700.00; #106 open (warning), #107 non-billable; October's ticket is not "removed"
            }

            // ── 9. Ironwood Property Mgmt: three blocks (one expired), a block bought in November, overage at the newest block's rate.
            {
                var expired = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 3, 1), new DateOnly(2026, 9, 1), 5m, 725m, 160m);
                var older = new BlockInput(Guid.NewGuid(), new DateOnly(2026, 7, 1), null, 10m, 1400m, 165m);
                IronwoodNewest = new BlockInput(Guid.NewGuid(), Nov(5), null, 5m, 725m, 175m);
                var ws = Manual(Workstation, 6);
                BlockDrawdown.Entry[] entries =
                [
                    new(Nov(27), 100), new(Nov(12), 250), new(new DateOnly(2026, 8, 10), 240),
                    new(Nov(3), 200), new(new DateOnly(2026, 10, 14), 270), new(Nov(20), 150),
                ];
                Add(Client("Ironwood Property Mgmt") with
                {
                    Lines = [ws],
                    Tickets = [Ticket(201, "Quarterly patching", true, Entry(3, 200, BillingClass.BlockHour))], // Block Hour time is never T&M
                    Blocks = [IronwoodNewest, expired, older],
                    BlockEntries = entries,
                    Previous = October(270m, Posted(ws, 6, 45m, 270m)),
                },
                1213.75m,
                // Before November: 10 Aug 240 from the March block (300 → 60; it expires 1 Sep, its 60 are lost);
                // 14 Oct 270 from the July block (600 → 330). November, in date order:
                //   3 Nov 200 → July block 330 → 130 (the 5 Nov block is not bought yet)
                //  12 Nov 250 → July block 130 → 0, then 120 from the 5 Nov block 300 → 180
                //  20 Nov 150 → 5 Nov block 180 → 30
                //  27 Nov 100 → 5 Nov block 30 → 0, 70 min beyond the balance
                // 70 → up to 15 → 75 min = 1.25 h × $175 (the newest block's overage rate) = 218.75
                L(BlockPurchaseKey(IronwoodNewest), 1, 725m, 725.00m, ChangeKinds.New), // the 5 h block bought 5 November: 725.00, once
                L(BlockKey(IronwoodNewest), 1.25m, 175m, 218.75m, ChangeKinds.New),
                L(LineKey(ws), 6, 45m, 270.00m, ChangeKinds.Same));                      // 6 × 45 = 270.00
                // total 725.00 + 218.75 + 270.00 = 1,213.75
            }

            // ── 10. Juniper Home Care: a goodwill credit larger than the month → a credit memo.
            {
                var ws = Manual(Workstation, 2);
                var goodwill = Charge(Nov(4), "Goodwill credit: outage on 3 November", -250m);
                Add(Client("Juniper Home Care", terms: 15) with { Lines = [ws], Charges = [goodwill], Previous = October(90m, Posted(ws, 2, 45m, 90m)) },
                -160.00m,
                ["The total is negative (-$160.00): it posts as a credit memo, never as a negative invoice."],
                new DateOnly(2026, 12, 15), // 30 November + 15 days
                L(LineKey(ws), 2, 45m, 90.00m, ChangeKinds.Same),          // 2 × 45 = 90.00
                L(ChargeKey(goodwill), 1, -250m, -250.00m, ChangeKinds.New)); // 1 × −250 = −250.00
                // total 90.00 − 250.00 = −160.00
            }

            // ── 11. Kestrel Title Co: Huntress agents fell from 26 to 0 (both agents left are isolated, not counted).
            {
                KestrelAgents = Vendor(Edr, Bind(Huntress, SourceMetrics.Agents), Source("Huntress", Devices("Kestrel", Fresh,
                    Device("KES-H-01", approved: false), Device("KES-H-02", approved: false))));
                var ws = Manual(Workstation, 5);
                Add(Client("Kestrel Title Co") with
                {
                    Lines = [KestrelAgents, ws],
                    Previous = October(381m, Posted(KestrelAgents, 26, 6m, 156m, 26, "Huntress agents"), Posted(ws, 5, 45m, 225m)),
                },
                225.00m,
                L(LineKey(KestrelAgents), 0, 6m, 0.00m, ChangeKinds.Down, [FlagKinds.Drop]), // 0 counted → 0 × 6 = 0.00; October 26 × 6 = 156.00
                L(LineKey(ws), 5, 45m, 225.00m, ChangeKinds.Same));                         // 5 × 45 = 225.00
                // total 0.00 + 225.00 = 225.00 (held: the flag needs a decision)
            }

            // ── 12. Linden Veterinary: a stale NinjaOne source (51 h old) and M365 seats halved (95 → 47).
            {
                var ws = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), Source("NinjaOne (legacy)", Devices("Linden", LegacySync, Workstations("LIN-WS", 1, 2, 3, 4, 5, 6, 7))));
                var seats = Vendor(BusinessStandard, Bind(Pax8, SourceMetrics.Licences, "p-std"), Source("Pax8", Licences("Linden", Fresh, Subscription("s-9", "p-std", "Microsoft 365 Business Standard", 47))));
                Add(Client("Linden Veterinary") with
                {
                    Lines = [ws, seats],
                    Previous = October(1740m,
                        Posted(ws, 7, 45m, 315m, 7, "NinjaOne workstations", [.. Enumerable.Range(1, 7).Select(i => $"LIN-WS-{i:00}")]),
                        Posted(seats, 95, 15m, 1425m, 95, "Pax8 licences")),
                },
                1020.00m,
                L(LineKey(ws), 7, 45m, 315.00m, ChangeKinds.Same, [FlagKinds.Stale]),                        // 7 × 45 = 315.00, from a 51 h old count
                L(LineKey(seats), 47, 15m, 705.00m, ChangeKinds.Down, [FlagKinds.Drop], "Seats 95 → 47"));    // 47 ≤ 95 × 50 % = 47.5; 47 × 15 = 705.00
                // total 315.00 + 705.00 = 1,020.00
            }

            // ── 13. Maple Leaf Realty: new this month; its NinjaOne organisation is not mapped; firewall sold below cost.
            {
                var ws = Vendor(Workstation, Bind(Ninja, SourceMetrics.Workstations), new SourceData("NinjaOne", true, false, null, 0, []));
                var firewall = Manual(Firewall, 1, price: 18m);
                Add(Client("Maple Leaf Realty") with { Lines = [ws, firewall] },
                18.00m,
                L(LineKey(ws), 0, 45m, 0.00m, ChangeKinds.New, [FlagKinds.Unmapped]),        // nothing mapped → 0 counted → 0.00
                L(LineKey(firewall), 1, 18m, 18.00m, ChangeKinds.New, [FlagKinds.BelowCost])); // $18 < $20 cost; 1 × 18 = 18.00
                // total 0.00 + 18.00 = 18.00
            }
        }

        private void Add(ClientInput client, decimal total, params ExpectedLine[] lines) => Add(client, total, [], Due, lines);

        private void Add(ClientInput client, decimal total, string[] warnings, params ExpectedLine[] lines) => Add(client, total, warnings, Due, lines);

        private void Add(ClientInput client, decimal total, string[] warnings, DateOnly due, params ExpectedLine[] lines)
        {
            _clients.Add(client);
            Expected[client.Name] = new ExpectedInvoice(total, due, lines, warnings);
        }
    }
}
