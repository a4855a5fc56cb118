using CommandCenter.Accounting;
using CommandCenter.Demo;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// The Conductor target through its real DI registration and HTTP pipeline against the Conductor simulator on Kestrel
/// loopback. Expectations come from the simulator's world, independently of the adapter.
/// </summary>
public sealed class ConductorTargetTests
{
    private static readonly DateOnly Date = new(2026, 3, 31);

    private static PostingDocument Document(SimulatorWorld world, string number, DocumentKind kind = DocumentKind.Invoice, Guid? guid = null, params PostingLine[] lines)
    {
        var customer = world.Conductor.Customers[3];
        if (lines.Length == 0)
        {
            var workstation = Item(world, DataGenerator.Items.ManagedWorkstation);
            lines = [new PostingLine(workstation.Id, workstation.Name, "Managed workstations (NinjaOne)", 12, 45.00m, 540.00m, false)];
        }

        var key = $"tenant-1/2026-03/client-4/v1/{number}";
        return new PostingDocument(key, guid ?? Guid.NewGuid(), kind, number, customer.Id, customer.FullName, Date, Date.AddDays(30),
            "Billing 2026-03", "USD", lines);
    }

    private static ConductorServiceItem Item(SimulatorWorld world, string name) => world.Conductor.Items.Single(i => i.FullName == name);

    [Fact]
    public async Task ListCustomersAsync_SmallPages_ReturnsEveryCustomerAcrossPages()
    {
        await using var sim = await ConductorHarness.StartAsync(client: o => o.PageSize = 7);
        var pages = 0;
        sim.AfterResponse = path => pages += path.Contains("/customers", StringComparison.Ordinal) ? 1 : 0;

        var customers = await sim.RunAsync((t, ct) => t.ListCustomersAsync(sim.Endpoint(), ct));

        var expected = sim.World.Conductor.Customers;
        expected.Count.ShouldBeGreaterThan(7 * 5);
        pages.ShouldBe((expected.Count + 6) / 7);
        customers.Select(c => (c.Id, c.Name, c.Active)).ShouldBe(expected.Select(c => (c.Id, c.FullName, c.IsActive)));
        var names = customers.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        DataGenerator.Generate(DemoSeeder.DemoClientCount, DemoSeeder.DemoGeneratorSeed).ShouldAllBe(c => names.Contains(c.Name));
        customers.ShouldContain(c => c.Name == "Fabrikam Holdings" && !c.Active);
        customers.ShouldContain(c => c.Name.EndsWith(" (old)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListItemsAsync_SmallPages_ReturnsCatalogWithPricesAndIncomeAccounts()
    {
        await using var sim = await ConductorHarness.StartAsync(client: o => o.PageSize = 4);

        var items = await sim.RunAsync((t, ct) => t.ListItemsAsync(sim.Endpoint(), ct));

        items.Count.ShouldBe(DataGenerator.Catalog.Count + 1);
        items.ShouldContain(i => i.Name == DataGenerator.Items.ManagedWorkstation && i.Price == 45.00m && i.IncomeAccount == ConductorData.ServicesIncomeAccount);
        items.ShouldContain(i => i.Name == ConductorData.MiscChargesItem && i.Price == null);
        items.Select(i => i.Id).ShouldBeUnique();
    }

    [Fact]
    public async Task PostAsync_Invoice_CreatesItAndFindAsyncReadsItBackByExternalId()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var endpoint = sim.Endpoint();
        var document = Document(sim.World, "INV-2603-01");

        var posted = await sim.RunAsync((t, ct) => t.PostAsync(endpoint, document, ct));
        var found = await sim.RunAsync((t, ct) => t.FindAsync(endpoint, document, ct));

        var invoice = sim.World.Conductor.Invoices.ShouldHaveSingleItem();
        posted.ShouldBe(new PostedDocument(invoice.Id, "INV-2603-01", 540.00m));
        invoice.ExternalId.ShouldBe(document.ExternalGuid.ToString());
        invoice.Customer.Id.ShouldBe(document.CustomerId);
        invoice.Memo!.ShouldContain(document.IdempotencyKey);
        found.ShouldBe(posted);

        // Same number and customer, another document (another externalId): not the one that was posted.
        var other = document with { ExternalGuid = Guid.NewGuid() };
        (await sim.RunAsync((t, ct) => t.FindAsync(endpoint, other, ct))).ShouldBeNull();
    }

    [Fact]
    public async Task PostAsync_CreditMemo_CreatesCreditMemoNotInvoice()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var endpoint = sim.Endpoint();
        var seats = Item(sim.World, DataGenerator.Items.M365BusinessPremium);
        var document = Document(sim.World, "CM-2603-01", DocumentKind.CreditMemo,
            lines: new PostingLine(seats.Id, seats.Name, "M365 seats 95 → 47 (credit)", 48, 26.40m, 1267.20m, true));

        var posted = await sim.RunAsync((t, ct) => t.PostAsync(endpoint, document, ct));

        sim.World.Conductor.Invoices.ShouldBeEmpty();
        var memo = sim.World.Conductor.CreditMemos.ShouldHaveSingleItem();
        memo.ObjectType.ShouldBe("qbd_credit_memo");
        posted.ShouldBe(new PostedDocument(memo.Id, "CM-2603-01", 1267.20m));
        (await sim.RunAsync((t, ct) => t.FindAsync(endpoint, document, ct))).ShouldBe(posted);
        // The read-back of an invoice with that number does not see the credit memo.
        (await sim.RunAsync((t, ct) => t.FindAsync(endpoint, document with { Kind = DocumentKind.Invoice }, ct))).ShouldBeNull();
    }

    [Fact]
    public async Task PostAsync_ProratedLines_PostedTotalEqualsDocumentTotalToTheCent()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var backup = Item(sim.World, DataGenerator.Items.CloudBackup);
        var premium = Item(sim.World, DataGenerator.Items.M365BusinessPremium);
        var misc = Item(sim.World, ConductorData.MiscChargesItem);
        PostingLine[] lines =
        [
            // 14 of 30 days: 0.466666… × 35.00 = 16.3333… → 16.33; quantity × rate is not the amount.
            new(backup.Id, backup.Name, "Cloud Backup, 14/30 days", 14m / 30m, 35.00m, 16.33m, false),
            // A unit price with more than five decimals (a prorated rate).
            new(premium.Id, premium.Name, "M365 Premium, 3 seats for 11/31 days", 3, 26.40m * 11m / 31m, 28.10m, true),
            new(misc.Id, misc.Name, "Credit for downtime", 1, -12.345m, -12.35m, false),
        ];
        var document = Document(sim.World, "INV-2603-02", lines: lines);

        var posted = await sim.RunAsync((t, ct) => t.PostAsync(sim.Endpoint(), document, ct));

        document.Total.ShouldBe(32.08m);
        posted.Total.ShouldBe(document.Total);
        var invoice = sim.World.Conductor.Invoices.ShouldHaveSingleItem();
        invoice.Subtotal.ShouldBe(document.Total);
        invoice.Lines.Select(l => l.Amount).ShouldBe(lines.Select(l => l.Amount));
        invoice.Lines.ShouldAllBe(l => l.Rate != null && decimal.Round(l.Rate.Value, 5) == l.Rate.Value);
    }

    [Fact]
    public async Task PostAsync_CommitTimeout_ThrowsUncertainAndFindAsyncFindsTheOneCommittedInvoice()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var endpoint = sim.Endpoint(timeoutSeconds: 2);
        var document = Document(sim.World, "INV-2603-03");
        sim.World.Faults.Enqueue(new FaultSpec("conductor", FaultKind.CommitTimeout, PathContains: "/invoices", DelaySeconds: 120));

        var exception = await Should.ThrowAsync<AccountingException>(() => sim.RunAsync((t, ct) => t.PostAsync(endpoint, document, ct)));

        exception.ShouldNotBeOfType<AccountingRejectedException>();
        exception.Message.ShouldContain("did not answer");
        var found = await sim.RunAsync((t, ct) => t.FindAsync(endpoint, document, ct));
        var invoice = sim.World.Conductor.Invoices.ShouldHaveSingleItem();
        found.ShouldNotBeNull().ExternalId.ShouldBe(invoice.Id);
        found.Total.ShouldBe(document.Total);
    }

    [Fact]
    public async Task PostAsync_Reject_ThrowsRejectedAndCreatesNothing()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var endpoint = sim.Endpoint();
        var document = Document(sim.World, "INV-2603-04");
        sim.World.Faults.Enqueue(new FaultSpec("conductor", FaultKind.Reject, PathContains: "/invoices"));

        var exception = await Should.ThrowAsync<AccountingRejectedException>(() => sim.RunAsync((t, ct) => t.PostAsync(endpoint, document, ct)));

        exception.Message.ShouldContain("QuickBooks Desktop rejected this document");
        exception.Code.ShouldBe("QBD_REQUEST_ERROR");
        sim.World.Conductor.Transactions.ShouldBeEmpty();
        (await sim.RunAsync((t, ct) => t.FindAsync(endpoint, document, ct))).ShouldBeNull();
    }

    [Fact]
    public async Task PostAsync_UnknownCustomer_ThrowsRejectedWithQuickBooksWords()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var document = Document(sim.World, "INV-2603-05") with { CustomerId = "80009999-1600000000" };

        var exception = await Should.ThrowAsync<AccountingRejectedException>(() => sim.RunAsync((t, ct) => t.PostAsync(sim.Endpoint(), document, ct)));

        exception.Message.ShouldContain("customer specified for this invoice does not exist in QuickBooks Desktop");
        exception.Message.ShouldContain("3140");
        sim.World.Conductor.Transactions.ShouldBeEmpty();
    }

    [Fact]
    public async Task PostAsync_ServerError_IsUncertainAndNotRetried()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var posts = 0;
        sim.AfterResponse = path => posts += path.Contains("/invoices", StringComparison.Ordinal) ? 1 : 0;
        sim.World.Faults.Enqueue(new FaultSpec("conductor", FaultKind.ServerError, Count: 3, PathContains: "/invoices"));

        var exception = await Should.ThrowAsync<AccountingException>(() => sim.RunAsync((t, ct) => t.PostAsync(sim.Endpoint(), Document(sim.World, "INV-2603-06"), ct)));

        exception.ShouldNotBeOfType<AccountingRejectedException>();
        exception.StatusCode.ShouldBe(500);
        posts.ShouldBe(1);
    }

    [Fact]
    public async Task ListCustomersAsync_CursorExpired_ThrowsClearError()
    {
        await using var sim = await ConductorHarness.StartAsync(client: o => o.PageSize = 10);
        // The first page answered, then 11 seconds pass (on the simulator's clock) before the next page is asked for.
        sim.AfterResponse = path =>
        {
            if (path.Contains("/customers", StringComparison.Ordinal))
            {
                sim.Time.Advance(TimeSpan.FromSeconds(11));
            }
        };

        var exception = await Should.ThrowAsync<AccountingException>(() => sim.RunAsync((t, ct) => t.ListCustomersAsync(sim.Endpoint(), ct)));

        exception.Message.ShouldContain("cursor has expired");
        exception.Message.ShouldContain("page 2");
    }

    [Fact]
    public async Task CheckAsync_WrongSecretKey_ThrowsRejectedSayingCheckTheKey()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var endpoint = sim.Endpoint(secretKey: "sk_test_wrong");

        var check = await Should.ThrowAsync<AccountingRejectedException>(() => sim.DoAsync((t, ct) => t.CheckAsync(endpoint, ct)));
        var post = await Should.ThrowAsync<AccountingRejectedException>(() => sim.RunAsync((t, ct) => t.PostAsync(endpoint, Document(sim.World, "INV-2603-07"), ct)));

        check.Message.ShouldContain("did not accept the secret key");
        check.StatusCode.ShouldBe(401);
        post.Code.ShouldBe("API_KEY_INVALID");
        sim.World.Conductor.Transactions.ShouldBeEmpty();
        await sim.DoAsync((t, ct) => t.CheckAsync(sim.Endpoint(), ct));
    }

    [Fact]
    public async Task CheckAsync_UnknownEndUser_ThrowsRejected()
    {
        await using var sim = await ConductorHarness.StartAsync();

        var exception = await Should.ThrowAsync<AccountingRejectedException>(() => sim.DoAsync((t, ct) => t.CheckAsync(sim.Endpoint(endUserId: "end_usr_nobody"), ct)));

        exception.Message.ShouldContain("end user");
        exception.StatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task PostAsync_QuickBooksClosed_ThrowsRejectedTellingToOpenQuickBooks()
    {
        await using var sim = await ConductorHarness.StartAsync();
        sim.World.Conductor.QuickBooksOpen = false;

        var exception = await Should.ThrowAsync<AccountingRejectedException>(() => sim.RunAsync((t, ct) => t.PostAsync(sim.Endpoint(), Document(sim.World, "INV-2603-08"), ct)));

        exception.Message.ShouldContain("Open QuickBooks Desktop");
        sim.World.Conductor.Transactions.ShouldBeEmpty();
    }

    [Fact]
    public async Task PostAsync_NumberLongerThan11_ThrowsRejectedWithoutCalling()
    {
        await using var sim = await ConductorHarness.StartAsync();
        var calls = 0;
        sim.AfterResponse = _ => calls++;

        await Should.ThrowAsync<AccountingRejectedException>(() => sim.RunAsync((t, ct) => t.PostAsync(sim.Endpoint(), Document(sim.World, "INV-2603-0009"), ct)));

        calls.ShouldBe(0);
    }
}
