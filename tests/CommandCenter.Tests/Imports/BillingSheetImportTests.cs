using System.Globalization;
using System.Text;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Imports;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static System.FormattableString;

namespace CommandCenter.Tests.Imports;

public sealed class BillingSheetImportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string Name, decimal Price)[] Catalog =
    [
        ("Managed Workstation", 45m),
        ("Managed Server", 150m),
        ("Microsoft 365 Business Standard", 12.50m),
        ("Backup (per TB)", 30m),
    ];

    [Fact]
    public async Task PreviewAsync_FortyRowsWithThreeBadRows_ReportsExactlyThoseRowsAndWritesNothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Existing Co"), Ct);
        var auditBefore = await CountAuditAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader(BadFortyRowSheet()), Ct);

        preview.Errors.Select(e => (e.Row, e.Column)).ShouldBe([(8, "Managed Workstation"), (15, "Client"), (30, "Client")]);
        preview.Errors[0].Message.ShouldContain("'two' is not a quantity");
        preview.Errors[1].Message.ShouldContain("row 3");
        preview.Errors[2].Message.ShouldContain("already exists");
        preview.ClientCount.ShouldBe(37);
        preview.CanCommit.ShouldBeFalse();
        await using var ctx = db.Open();
        (await ctx.Clients.CountAsync(Ct)).ShouldBe(1);
        (await CountAuditAsync(db)).ShouldBe(auditBefore);
    }

    [Fact]
    public async Task CommitAsync_FortyRowsWithThreeBadRows_CreatesNothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Existing Co"), Ct);
        var auditBefore = await CountAuditAsync(db);

        var result = await Import(db).CommitAsync(new StringReader(BadFortyRowSheet()), "billing.csv", Ct);

        result.Committed.ShouldBeFalse();
        result.Created.ShouldBe(0);
        result.Errors.Select(e => e.Row).ShouldBe([8, 15, 30]);
        await using var ctx = db.Open();
        (await ctx.Clients.Select(c => c.Name).ToListAsync(Ct)).ShouldBe(["Existing Co"]);
        (await ctx.RecurringLines.CountAsync(Ct)).ShouldBe(0);
        (await CountAuditAsync(db)).ShouldBe(auditBefore);
    }

    [Fact]
    public async Task CommitAsync_FixedFortyRowSheet_CreatesEveryClientWithItsLinesAndAudits()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var rows = FortyRows();
        var expectedLines = rows.Sum(r => r.Cells.Count(c => c.Length > 0));
        var expectedTotal = rows.Sum(ExpectedMonthly);

        var result = await Import(db).CommitAsync(new StringReader(Sheet(rows)), "billing.csv", Ct);

        result.Errors.ShouldBeEmpty();
        result.Created.ShouldBe(40);
        result.Lines.ShouldBe(expectedLines);
        result.MonthlyTotal.ShouldBe(expectedTotal);
        var list = await new ListClients.Handler(db.TenantDb(), db.Time).HandleAsync(new ListClients.Request(PageSize: 100), Ct);
        list.Total.ShouldBe(40);
        foreach (var row in rows)
        {
            var client = list.Items.Single(c => c.Name == row.Client);
            client.LineCount.ShouldBe(row.Cells.Count(c => c.Length > 0), row.Client);
            client.MonthlyRecurring.ShouldBe(ExpectedMonthly(row), row.Client);
            client.HourlyRate.ShouldBe(row.HourlyRate.Length > 0 ? 125m : null);
        }

        var five = await new GetClient.Handler(db.TenantDb(), db.Time).HandleAsync(list.Items.Single(c => c.Name == "Client 05").Id, Ct);
        var m365 = five.Lines.Single(l => l.ItemName == "Microsoft 365 Business Standard");
        (m365.Quantity, m365.UnitPriceOverride, m365.MonthlyAmount).ShouldBe((5m, 11.75m, 58.75m));
        five.Lines.ShouldAllBe(l => l.SourceKind == QuantitySourceKind.Manual && l.EffectiveFrom == new DateOnly(2026, 11, 1));

        await using var ctx = db.Open();
        var audit = await ctx.AuditEntries.Where(a => a.Action != "catalog-item.created").ToListAsync(Ct);
        audit.Count(a => a.Action == "client.created").ShouldBe(40);
        var committed = audit.Single(a => a.Action == "import.committed");
        committed.EntityType.ShouldBe("Import");
        committed.After.ShouldNotBeNull();
        committed.After.ShouldContain("\"fileName\":\"billing.csv\"");
        committed.After.ShouldContain("\"clients\":40");
        committed.After.ShouldContain(Invariant($"\"lines\":{expectedLines}"));
        audit.Where(a => a.Action == "client.created").ShouldAllBe(a => a.Reason!.Contains(committed.EntityId));
    }

    [Fact]
    public async Task PreviewAsync_UnknownServiceColumn_IsReportedOnRowOne()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader("Client,Managed Workstation, Quantum Support \nAcme,3,1\n"), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((1, "Quantum Support"));
        error.Message.ShouldContain("No catalog item is named 'Quantum Support'");
        preview.CanCommit.ShouldBeFalse();
    }

    [Fact]
    public async Task PreviewAsync_ColumnNamedTwice_IsReportedOnRowOne()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader("Client,Managed Server,managed server\nAcme,1,2\n"), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((1, "managed server"));
        error.Message.ShouldContain("appears twice (Column B and Column C)");
    }

    [Fact]
    public async Task PreviewAsync_QuantityAtPrice_OverridesCatalogPriceAndRoundsTheAmount()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var csv = "client,MANAGED WORKSTATION,Managed Server,Backup (per TB)\nAcme,10 @ 42.50,\"1 @ $1,250.00\",2.5 @ 19.999\nBeta,3,,\n";

        var preview = await Import(db).PreviewAsync(new StringReader(csv), Ct);

        preview.Errors.ShouldBeEmpty();
        var acme = preview.Clients[0].Lines;
        acme.Select(l => (l.ItemName, l.Quantity, l.UnitPriceOverride, l.MonthlyAmount)).ShouldBe(
        [
            ("Managed Workstation", 10m, 42.50m, 425.00m),
            ("Managed Server", 1m, 1250m, 1250.00m),
            ("Backup (per TB)", 2.5m, 19.999m, 50.00m),
        ]);
        var beta = preview.Clients[1].Lines.ShouldHaveSingleItem();
        (beta.UnitPriceOverride, beta.UnitPrice, beta.MonthlyAmount).ShouldBe((null, 45m, 135m));
        (preview.ClientCount, preview.LineCount, preview.MonthlyTotal).ShouldBe((2, 4, 1860.00m));
    }

    [Fact]
    public async Task PreviewAsync_QuotedNamesWithCommasQuotesAndLineBreaks_AreOneClientEachWithSpreadsheetRows()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var csv = "Client,Managed Workstation\n\"Smith, Jones & Co\",3\n\"The \"\"Corner\"\" Bakery\",2\n\"Line\nBreak Ltd\",1\nAfter Ltd,x\n";

        var preview = await Import(db).PreviewAsync(new StringReader(csv), Ct);

        preview.Clients.Select(c => (c.Row, c.Name)).ShouldBe([(2, "Smith, Jones & Co"), (3, "The \"Corner\" Bakery"), (4, "Line\nBreak Ltd")]);
        preview.Errors.ShouldHaveSingleItem().Row.ShouldBe(5);
    }

    [Fact]
    public async Task PreviewAsync_BomCrlfAndBlankLines_AreReadAndRowsStillCount()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Client,Managed Workstation\r\nAcme,3\r\n\r\nBeta,2\r\n,\r\n\r\n")).ToArray();

        var preview = await Import(db).PreviewAsync(new MemoryStream(bytes), Ct);

        preview.Errors.ShouldBeEmpty();
        preview.Clients.Select(c => (c.Row, c.Name)).ShouldBe([(2, "Acme"), (4, "Beta")]);
    }

    [Fact]
    public async Task PreviewAsync_Windows1252File_KeepsAccentedNames()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes("Client,Managed Workstation\nCafé Olé,3\n");

        var preview = await Import(db).PreviewAsync(new MemoryStream(bytes), Ct);

        preview.Clients.ShouldHaveSingleItem().Name.ShouldBe("Café Olé");
    }

    [Fact]
    public async Task PreviewAsync_ExistingClientInAnyCase_IsReported()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Acme Dental"), Ct);

        var preview = await Import(db).PreviewAsync(new StringReader("Client,Managed Workstation\n  ACME dental ,3\nNew Co,1\n"), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((2, "Client"));
        error.Message.ShouldContain("A client named 'ACME dental' already exists");
        preview.Clients.ShouldHaveSingleItem().Name.ShouldBe("New Co");
    }

    [Fact]
    public async Task PreviewAsync_AnotherTenantsCatalogAndClients_AreNotSeen()
    {
        await using var db = await TestDatabase.CreateAsync();
        var other = await db.AddTenantAsync("Other MSP");
        await new SaveCatalogItem.Handler(db.TenantDb(other), db.Audit, db.Time).CreateAsync(new SaveCatalogItem.Request("Secret Service", 10m), Ct);
        await new SaveClient.Handler(db.TenantDb(other), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Acme"), Ct);

        var preview = await Import(db).PreviewAsync(new StringReader("Client,Secret Service\nAcme,1\n"), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((1, "Secret Service"));
    }

    [Theory]
    [InlineData("two", "'two' is not a quantity")]
    [InlineData("-1", "Quantity cannot be negative.")]
    [InlineData("1.23456", "Quantity can have at most 4 decimal places.")]
    [InlineData("2000000", "Quantity must be at most")]
    [InlineData("2,5", "'2,5' is not a quantity")]
    [InlineData("$3", "'$3' is not a quantity")]
    [InlineData("1e3", "'1e3' is not a quantity")]
    [InlineData("1 @ abc", "'abc' is not a unit price")]
    [InlineData("1 @", "'' is not a unit price")]
    [InlineData("1 @ 2 @ 3", "'2 @ 3' is not a unit price")]
    [InlineData("1 @ -5", "Unit price cannot be negative.")]
    [InlineData("1 @ $20,000,000", "Unit price must be at most")]
    [InlineData("1 @ 1.00001", "Unit price can have at most 4 decimal places.")]
    public async Task PreviewAsync_BadServiceCell_IsReportedWithRowAndColumn(string cell, string message)
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader(Sheet([new("Acme", "", ["1", "", "", ""]), new("Beta", "", ["", "", cell, ""])])), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((3, "Microsoft 365 Business Standard"));
        error.Message.ShouldContain(message);
        preview.Clients.ShouldHaveSingleItem().Name.ShouldBe("Acme");
    }

    [Fact]
    public async Task PreviewAsync_BadHourlyRates_AreReportedPerRow()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader(Sheet([new("Acme", "lots", ["1", "", "", ""]), new("Beta", "-5", ["1", "", "", ""]), new("Gamma", "$1,250.50", ["1", "", "", ""])])), Ct);

        preview.Errors.Select(e => (e.Row, e.Column)).ShouldBe([(2, "Hourly Rate"), (3, "Hourly Rate")]);
        preview.Errors[0].Message.ShouldContain("'lots' is not an hourly rate");
        preview.Errors[1].Message.ShouldBe("Hourly rate cannot be negative.");
        preview.Clients.ShouldHaveSingleItem().HourlyRate.ShouldBe(1250.50m);
    }

    [Fact]
    public async Task PreviewAsync_BlankOrTooLongClientName_IsReported()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var csv = "Client,Managed Workstation,Notes\n  ,3,\n" + new string('x', Client.NameMaxLength + 1) + ",1,\nOk Co,1,fine\n";

        var preview = await Import(db).PreviewAsync(new StringReader(csv), Ct);

        preview.Errors.Select(e => (e.Row, e.Column, e.Message)).ShouldBe(
        [
            (2, "Client", "Name is required."),
            (3, "Client", Invariant($"Name must be at most {Client.NameMaxLength} characters.")),
        ]);
        preview.Clients.ShouldHaveSingleItem().Notes.ShouldBe("fine");
    }

    [Fact]
    public async Task PreviewAsync_RowWithMoreCellsThanHeader_IsReported()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader("Client,Managed Workstation\nSmith, Jones & Co,3\n"), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((2, null));
        error.Message.ShouldContain("3 cells but the header has 2 columns");
    }

    [Fact]
    public async Task PreviewAndCommit_UnbalancedQuote_ReturnAnErrorInsteadOfThrowing()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        const string csv = "Client,Managed Workstation\nAcme,1\n\"Smith, Jones & Co,3\nBeta,2\n";

        var preview = await Import(db).PreviewAsync(new StringReader(csv), Ct);
        var result = await Import(db).CommitAsync(new StringReader(csv), "bad.csv", Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((3, "Client"));
        error.Message.ShouldContain("closing quote");
        result.Errors.ShouldBe(preview.Errors);
        await using var ctx = db.Open();
        (await ctx.Clients.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task PreviewAsync_TextAfterClosingQuote_IsReported()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new StringReader("Client,Managed Workstation\n\"Acme\" Inc,3\n"), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Column).ShouldBe((2, "Client"));
        error.Message.ShouldContain("after a closing quote");
    }

    [Theory]
    [InlineData("", 0, "The file is empty")]
    [InlineData("\n\n", 1, "Row 1 is empty")]
    [InlineData("Client,Managed Workstation\n\n", 0, "no client rows")]
    [InlineData("Customer\nAcme\n", 1, "The header has no Client column")]
    public async Task PreviewAsync_EmptyOrHeaderlessFile_IsAClearError(string csv, int row, string message)
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);

        var preview = await Import(db).PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Ct);

        preview.Errors.ShouldContain(e => e.Row == row && e.Message.Contains(message));
        preview.Clients.ShouldBeEmpty();
        preview.CanCommit.ShouldBeFalse();
    }

    [Fact]
    public async Task CommitAsync_EmptyFile_CreatesNothing()
    {
        await using var db = await TestDatabase.CreateAsync();

        var result = await Import(db).CommitAsync(new MemoryStream(), "empty.csv", Ct);

        result.Errors.ShouldHaveSingleItem().Message.ShouldContain("empty");
        await using var ctx = db.Open();
        (await ctx.AuditEntries.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task PreviewAsync_FileOverFiveMegabytes_IsRefused()
    {
        await using var db = await TestDatabase.CreateAsync();
        var bytes = Encoding.ASCII.GetBytes("Client\n" + new string('x', (int)BillingSheetImport.MaxFileBytes));

        var fromStream = await Import(db).PreviewAsync(new MemoryStream(bytes), Ct);
        var fromText = await Import(db).PreviewAsync(new StringReader(Encoding.ASCII.GetString(bytes)), Ct);

        fromStream.Errors.ShouldHaveSingleItem().Message.ShouldContain("larger than 5 MB");
        fromText.Errors.ShouldBe(fromStream.Errors);
    }

    [Fact]
    public async Task PreviewAsync_MoreThanTwentyThousandRows_IsRefused()
    {
        await using var db = await TestDatabase.CreateAsync();
        await SeedCatalogAsync(db);
        var csv = new StringBuilder("Client,Managed Workstation\n");
        for (var i = 0; i <= BillingSheetImport.MaxRows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Client {i},1\n");
        }

        var preview = await Import(db).PreviewAsync(new StringReader(csv.ToString()), Ct);

        var error = preview.Errors.ShouldHaveSingleItem();
        (error.Row, error.Message).ShouldBe((0, "The file has more than 20,000 client rows; split it into smaller files."));
        preview.Clients.ShouldBeEmpty();
    }

    [Fact]
    public async Task PreviewAsync_DocumentedSample_HasNoErrors()
    {
        await using var db = await TestDatabase.CreateAsync();
        var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
        foreach (var (name, price) in new[] { ("Managed Workstation", 45m), ("Managed Server", 150m), ("Microsoft 365 Business Standard", 12.50m), ("Huntress EDR", 6m), ("Backup (per TB)", 30m), ("Firewall Management", 95m) })
        {
            await items.CreateAsync(new SaveCatalogItem.Request(name, price), Ct);
        }

        await using var file = File.OpenRead(FindRepoFile("docs/samples/billing-sheet.csv"));
        var preview = await Import(db).PreviewAsync(file, Ct);

        preview.Errors.ShouldBeEmpty();
        preview.ClientCount.ShouldBe(6);
        preview.Clients.Select(c => c.Name).ShouldContain("Smith, Jones & Partners LLP");
        preview.Clients.Select(c => c.Name).ShouldContain("The \"Corner\" Bakery");
        preview.Clients.Single(c => c.Name == "Northwind Logistics").Lines.Single(l => l.ItemName == "Firewall Management").UnitPriceOverride.ShouldBe(1250m);
    }

    [Fact]
    public void AddImports_RegistersTheHandlerScoped()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        builder.AddImports();

        builder.Services.ShouldContain(d => d.ServiceType == typeof(BillingSheetImport.Handler) && d.Lifetime == ServiceLifetime.Scoped);
    }

    // ---- Arrange helpers ----------------------------------------------------------------------------------------

    private sealed record SheetRow(string Client, string HourlyRate, string[] Cells);

    private static BillingSheetImport.Handler Import(TestDatabase db) => new(db.TenantDb(), db.Audit, db.Time);

    private static async Task SeedCatalogAsync(TestDatabase db)
    {
        var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
        foreach (var (name, price) in Catalog)
        {
            await items.CreateAsync(new SaveCatalogItem.Request(name, price), Ct);
        }
    }

    private static async Task<int> CountAuditAsync(TestDatabase db)
    {
        await using var ctx = db.Open();
        return await ctx.AuditEntries.CountAsync(Ct);
    }

    /// <summary>40 deterministic clients; every 7th has a comma in its name, every 5th a price override on Microsoft 365.</summary>
    private static List<SheetRow> FortyRows() =>
        Enumerable.Range(1, 40).Select(i => new SheetRow(
            i % 7 == 0 ? Invariant($"Client {i:00}, LLC") : Invariant($"Client {i:00}"),
            i % 2 == 0 ? "$125.00" : "",
            [
                Invariant($"{i % 12 + 1}"),
                i % 3 == 0 ? "" : Invariant($"{i % 3}"),
                i % 5 == 0 ? Invariant($"{i} @ 11.75") : Invariant($"{i + 2}"),
                i % 4 == 0 ? "1.5" : "",
            ])).ToList();

    /// <summary>Row 8: a bad number; row 15: the client of row 3 again; row 30: a client the tenant already has.</summary>
    private static string BadFortyRowSheet()
    {
        var rows = FortyRows();
        rows[6] = rows[6] with { Cells = ["two", .. rows[6].Cells[1..]] };
        rows[13] = rows[13] with { Client = rows[1].Client.ToUpperInvariant() };
        rows[28] = rows[28] with { Client = "existing co" };
        return Sheet(rows);
    }

    private static string Sheet(IEnumerable<SheetRow> rows)
    {
        var lines = new List<string> { string.Join(",", new[] { "Client", "Hourly Rate" }.Concat(Catalog.Select(c => c.Name)).Select(Quote)) };
        lines.AddRange(rows.Select(r => string.Join(",", new[] { r.Client, r.HourlyRate }.Concat(r.Cells).Select(Quote))));
        return string.Join("\r\n", lines) + "\r\n";
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>The expected monthly amount, worked out independently of the import's parser.</summary>
    private static decimal ExpectedMonthly(SheetRow row) =>
        row.Cells.Select((cell, i) =>
        {
            if (cell.Length == 0)
            {
                return 0m;
            }

            var parts = cell.Split(" @ ");
            var quantity = decimal.Parse(parts[0], CultureInfo.InvariantCulture);
            var price = parts.Length > 1 ? decimal.Parse(parts[1], CultureInfo.InvariantCulture) : Catalog[i].Price;
            return Money.RoundCents(quantity * price);
        }).Sum();

    private static string FindRepoFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relativePath}' was not found above {AppContext.BaseDirectory}.");
    }
}
