using System.Text;
using CommandCenter.Accounting;
using CommandCenter.Accounting.Iif;
using CommandCenter.Billing;
using CommandCenter.Tests.Billing;

namespace CommandCenter.Tests.Accounting;

public sealed class IifWriterTests
{
    private static readonly IifOptions Us = new("Accounts Receivable", "Managed Services Income");
    private static readonly Encoding Cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static readonly DateOnly November30 = new(2026, 11, 30);

    // Invoice CC-2611-001: 1,000.00 + 29.04 + 1.00 + 0.00 + 100.01 + 1,699.98 − 50.00 = 2,780.03
    private static readonly PostingDocument Invoice = Document(DocumentKind.Invoice, "CC-2611-001",
        "Smith, Jones & \"Partners\"\tLLC",
        Line("Managed Workstation", "Managed workstations (NinjaOne)", 40, 25m, 1000.00m),                 // 40 × 25 = 1,000.00
        Line("M365 Business Premium", "Business Premium, 11 of 30 days", 3, 26.40m, 29.04m,                // 3 × 26.40 × 11/30 = 29.04 ≠ 79.20
            account: "Microsoft Licensing Income"),
        Line("Cloud Backup", "Cloud Backup, 1 of 30 days", 3, 10m, 1.00m),                                 // 3 × 10 × 1/30 = 1.00 ≠ 30.00
        Line("Huntress EDR", "No agents this month", 0, 6m, 0.00m),                                         // $0.00 line
        Line("API calls", "API calls, prorated", 7000, 0.0143m, 100.01m),                                  // 7,000 × 0.0143 = 100.10 ≠ 100.01
        Line("Hardware", "Dell OptiPlex 7020\r\nserial \"ABC\"", 2, 849.99m, 1699.98m, taxable: true),   // 2 × 849.99 = 1,699.98
        Line("Misc charges", "Loyalty discount", 1, -50m, -50.00m));                                       // a discount on the invoice

    // Credit memo CC-2611-002 (positive amounts = what is credited): 250.00 − 90.00 = 160.00
    private static readonly PostingDocument CreditMemo = Document(DocumentKind.CreditMemo, "CC-2611-002",
        "Café Zürich 🚀 Łódź",
        Line("Misc charges", "Goodwill credit: outage on 3 November", 1, 250m, 250.00m),
        Line("Managed Workstation", "Managed workstations", 2, -45m, -90.00m));

    // Invoice CC-2611-003: 18.00
    private static readonly PostingDocument Small = Document(DocumentKind.Invoice, "CC-2611-003", "Maple Leaf Realty",
        Line("Huntress EDR", "Huntress agents", 3, 6m, 18.00m));

    private static readonly PostingDocument[] Batch = [Invoice, CreditMemo, Small];

    [Fact]
    public void Write_MixedBatch_StrictParserAcceptsAndTotalsMatchTheDocuments()
    {
        var transactions = IifStrictParser.Parse(IifWriter.Write(Batch, Us));

        transactions.Select(t => (t.Type, t.DocNum, t.Amount)).ShouldBe(
        [
            ("INVOICE", "CC-2611-001", 2780.03m),
            ("CREDIT MEMO", "CC-2611-002", -160.00m),
            ("INVOICE", "CC-2611-003", 18.00m),
        ]);
        transactions.Sum(t => t.Amount).ShouldBe(2638.03m);                   // 2,780.03 − 160.00 + 18.00
        Batch.Sum(d => d.Kind == DocumentKind.CreditMemo ? -d.Total : d.Total).ShouldBe(2638.03m);
        foreach (var (transaction, document) in transactions.Zip(Batch))
        {
            transaction.Lines.Count.ShouldBe(document.Lines.Count);
            transaction.Lines.Sum(l => l.Amount).ShouldBe(-transaction.Amount);
            transaction.Date.ShouldBe(November30);
            transaction.Account.ShouldBe("Accounts Receivable");
        }

        var invoice = transactions[0];
        invoice.Lines.Select(l => l.Amount).ShouldBe([-1000.00m, -29.04m, -1.00m, 0.00m, -100.01m, -1699.98m, 50.00m]);
        invoice.DueDate.ShouldBe(new DateOnly(2026, 12, 30));
        transactions[1].DueDate.ShouldBeNull();                               // credit memos have no due date
        transactions[1].Lines.Select(l => l.Amount).ShouldBe([250.00m, -90.00m]);
        transactions[1].Lines.Select(l => l.Quantity).ShouldBe([1m, 2m]);     // credit memo quantities are positive
    }

    [Fact]
    public void Write_LineAmountDiffersFromQuantityTimesPrice_KeepsAmountAndAQuantityPriceThatGivesIt()
    {
        var lines = IifStrictParser.Parse(IifWriter.Write([Invoice], Us))[0].Lines;

        // Own quantity and price when they give the amount.
        lines[0].ShouldSatisfyAllConditions(l => l.Quantity.ShouldBe(-40m), l => l.Price.ShouldBe(25m), l => l.Item.ShouldBe("Managed Workstation"));
        // Prorated: the same 3 seats at the prorated rate 29.04 / 3 = 9.68, on the line's own income account.
        lines[1].ShouldSatisfyAllConditions(l => l.Quantity.ShouldBe(-3m), l => l.Price.ShouldBe(9.68m), l => l.Account.ShouldBe("Microsoft Licensing Income"));
        // 1.00 / 3 = 0.33333 (5 dp): 3 × 0.33333 = 0.99999, still 1.00 in cents.
        lines[2].ShouldSatisfyAllConditions(l => l.Quantity.ShouldBe(-3m), l => l.Price.ShouldBe(0.33333m), l => l.Account.ShouldBe("Managed Services Income"));
        // A $0.00 line stays a line.
        lines[3].ShouldSatisfyAllConditions(l => l.Quantity.ShouldBe(0m), l => l.Price.ShouldBe(6m), l => l.Amount.ShouldBe(0m));
        // 100.01 / 7000 = 0.01429 (5 dp) gives 100.03: quantity 1 at the amount, the detail in the memo.
        lines[4].ShouldSatisfyAllConditions(
            l => l.Quantity.ShouldBe(-1m), l => l.Price.ShouldBe(100.01m), l => l.Memo.ShouldBe("API calls, prorated (7000 x 0.0143)"));
        lines[5].Taxable.ShouldBe("Y");
        lines[6].ShouldSatisfyAllConditions(l => l.Quantity.ShouldBe(-1m), l => l.Price.ShouldBe(-50m), l => l.Amount.ShouldBe(50.00m));
    }

    [Fact]
    public void Write_ValuesWithTabsQuotesAccentsAndEmoji_AreCleanedAndEncodedAsWindows1252()
    {
        var bytes = IifWriter.Write(Batch, Us);
        var transactions = IifStrictParser.Parse(bytes);

        transactions[0].Name.ShouldBe("Smith, Jones & Partners LLC");                 // tab → space, quotes dropped, comma kept
        transactions[0].Lines[5].Memo.ShouldBe("Dell OptiPlex 7020 serial ABC");     // line break → space
        transactions[1].Name.ShouldBe("Café Zürich ? Lódz");                         // cp1252 keeps é ü ó; 🚀 → ?, Ł → L, ź → z
        bytes.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF });                  // no BOM
        bytes.ShouldContain((byte)0xE9);                                             // é as one cp1252 byte …
        Encoding.UTF8.GetString(bytes).ShouldNotContain("Café");                      // … not UTF-8
        Cp1252.GetString(bytes).ShouldContain("Café Zürich");
    }

    [Fact]
    public void Write_Batch_HeaderRowsOnceAndEveryRowAsWideAsItsHeader()
    {
        var text = Cp1252.GetString(IifWriter.Write(Batch, Us));
        var rows = text.Split("\r\n");

        rows[0].ShouldBe("!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tTOPRINT\tNAMEISTAXABLE\tDUEDATE\tTERMS\tINVMEMO");
        rows[1].ShouldBe("!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tQNTY\tPRICE\tINVITEM\tTAXABLE");
        rows[2].ShouldBe("!ENDTRNS");
        rows.Count(r => r.StartsWith('!')).ShouldBe(3);
        rows[3].ShouldBe("TRNS\t\tINVOICE\t11/30/2026\tAccounts Receivable\tSmith, Jones & Partners LLC\t\t2780.03\tCC-2611-001\tNovember 2026\tN\tN\tN\t12/30/2026\t\t");
        rows[4].ShouldBe("SPL\t\tINVOICE\t11/30/2026\tManaged Services Income\t\t\t-1000.00\tCC-2611-001\tManaged workstations (NinjaOne)\tN\t-40\t25.00\tManaged Workstation\tN");
        text.ShouldEndWith("ENDTRNS\r\n");
    }

    [Fact]
    public void Write_UkDateFormat_WritesDayFirstDates()
    {
        var uk = Us with { DateFormat = "dd/MM/yyyy" };

        var bytes = IifWriter.Write([Small], uk);

        Cp1252.GetString(bytes).ShouldContain("\t30/11/2026\t");
        var transaction = IifStrictParser.Parse(bytes, "dd/MM/yyyy").ShouldHaveSingleItem();
        transaction.Date.ShouldBe(November30);
        transaction.DueDate.ShouldBe(new DateOnly(2026, 12, 30));
        Should.Throw<IifFormatException>(() => IifStrictParser.Parse(bytes, "MM/dd/yyyy")).LineNumber.ShouldBe(4);
    }

    [Fact]
    public void Write_NegativeInvoiceOrLineWithoutCents_Refuses()
    {
        var negative = Small with { Lines = [Line("Misc charges", "Credit", 1, -20m, -20m)] };
        var fractional = Small with { Lines = [Line("Cloud Backup", "Backup", 1, 10.005m, 10.005m)] };

        Should.Throw<ArgumentException>(() => IifWriter.Write([negative], Us)).Message.ShouldContain("credit memo");
        Should.Throw<ArgumentException>(() => IifWriter.Write([fractional], Us)).Message.ShouldContain("not in cents");
        Should.Throw<ArgumentException>(() => IifWriter.Write([Small with { Lines = [] }], Us)).Message.ShouldContain("no lines");
    }

    [Fact]
    public void FileName_PeriodAndExportTime_NamesTheMonthAndTheMinute()
    {
        IifWriter.FileName(BillingPeriod.Parse("2026-11"), new DateTime(2026, 11, 30, 14, 5, 59, DateTimeKind.Utc))
            .ShouldBe("commandcenter-2026-11-invoices-20261130-1405.iif");
    }

    /// <summary>
    /// The golden month of <see cref="BillingGoldenMonthTests"/> through the engine, turned into documents and written:
    /// the file carries the engine's month total to the cent. Zero-amount lines are kept (they show the client what
    /// was counted and cost nothing); excluded lines bill nothing and are left out. A negative draft becomes a credit
    /// memo with its amounts negated (positive = credited).
    /// </summary>
    [Fact]
    public void Write_GoldenMonthFromTheEngine_ParsedTotalEqualsTheEngineMonthTotal()
    {
        var drafts = BillingGoldenMonthTests.GoldenNovember();
        var documents = drafts.Select((d, i) => FromDraft(d, $"CC2611-{i + 1:000}")).ToList();

        var transactions = IifStrictParser.Parse(IifWriter.Write(documents, Us));

        transactions.Count.ShouldBe(13);
        transactions.Count(t => t.Type == "CREDIT MEMO").ShouldBe(1);
        foreach (var (transaction, draft) in transactions.Zip(drafts))
        {
            transaction.Name.ShouldBe(draft.ClientName);
            transaction.Amount.ShouldBe(draft.Total, draft.ClientName);
        }

        transactions.Sum(t => t.Amount).ShouldBe(7100.53m);
        transactions.Sum(t => t.Amount).ShouldBe(drafts.Sum(d => d.Total));
    }

    /// <summary>
    /// The strict parser must be able to fail: each case breaks one rule in an otherwise valid file (an invoice on
    /// lines 4–12, a second one on lines 13–15) and the parser names the rule and the line.
    /// </summary>
    [Theory]
    [InlineData("unbalanced", 12, "does not balance")]
    [InlineData("missing-endtrns", 12, "before the ENDTRNS of the transaction opened on line 4")]
    [InlineData("missing-last-endtrns", 15, "has no ENDTRNS")]
    [InlineData("extra-column", 5, "SPL has 16 columns but !SPL has 15")]
    [InlineData("missing-column", 4, "TRNS has 15 columns but !TRNS has 16")]
    [InlineData("lf-only", 1, "without CR")]
    [InlineData("bom", 1, "byte order mark")]
    [InlineData("header-again", 16, "header row '!ENDTRNS' after the data started")]
    [InlineData("spl-without-trns", 4, "SPL outside a transaction")]
    [InlineData("trns-without-spl", 14, "has no SPL row")]
    [InlineData("one-decimal-amount", 13, "exactly two decimals")]
    [InlineData("thousands-separator", 4, "exactly two decimals")]
    [InlineData("docnum-differs", 14, "DOCNUM 'CC-2611-004' differs")]
    [InlineData("type-differs", 5, "differs from its TRNS's 'INVOICE'")]
    [InlineData("unknown-keyword", 12, "unknown keyword 'END'")]
    [InlineData("quantity-times-price", 5, "QuickBooks would recompute")]
    [InlineData("quoted-value", 4, "double quote")]
    public void Parse_MalformedFile_RejectsWithTheLine(string breakage, int line, string message)
    {
        var valid = Cp1252.GetString(IifWriter.Write([Invoice, Small], Us));
        IifStrictParser.Parse(Cp1252.GetBytes(valid)).Count.ShouldBe(2); // the unbroken file passes

        var broken = breakage switch
        {
            "unbalanced" => ReplaceFirst(valid, "\t2780.03\t", "\t2780.04\t"),
            "missing-endtrns" => ReplaceFirst(valid, "\r\nENDTRNS\r\n", "\r\n"),
            "missing-last-endtrns" => valid[..^"ENDTRNS\r\n".Length],
            "extra-column" => ReplaceFirst(valid, "\tManaged Workstation\tN\r\n", "\tManaged Workstation\tN\t\r\n"),
            "missing-column" => ReplaceFirst(valid, "\t12/30/2026\t\t\r\n", "\t12/30/2026\t\r\n"),
            "lf-only" => valid.Replace("\r\n", "\n", StringComparison.Ordinal),
            "header-again" => valid + "!ENDTRNS\r\n",
            "spl-without-trns" => ReplaceFirst(valid, valid.Split("\r\n")[3] + "\r\n", ""),
            "trns-without-spl" => ReplaceFirst(valid, valid.Split("\r\n")[13] + "\r\n", ""),
            "one-decimal-amount" => ReplaceFirst(valid, "\t18.00\t", "\t18.0\t"),
            "thousands-separator" => ReplaceFirst(valid, "\t2780.03\t", "\t2,780.03\t"),
            "docnum-differs" => ReplaceFirst(valid, "\t-18.00\tCC-2611-003\t", "\t-18.00\tCC-2611-004\t"),
            "type-differs" => ReplaceFirst(valid, "SPL\t\tINVOICE", "SPL\t\tCREDIT MEMO"),
            "unknown-keyword" => ReplaceFirst(valid, "\r\nENDTRNS\r\n", "\r\nEND\r\n"),
            "quantity-times-price" => ReplaceFirst(valid, "\t-40\t25.00\t", "\t-41\t25.00\t"),
            "quoted-value" => ReplaceFirst(valid, "\tSmith, Jones & Partners LLC\t", "\t\"Smith, Jones & Partners LLC\"\t"),
            _ => valid,
        };
        byte[] bytes = breakage == "bom" ? [0xEF, 0xBB, 0xBF, .. Cp1252.GetBytes(valid)] : Cp1252.GetBytes(broken);

        var error = Should.Throw<IifFormatException>(() => IifStrictParser.Parse(bytes));

        error.LineNumber.ShouldBe(line, error.Message);
        error.Message.ShouldContain(message);
    }

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, $"'{find}' is not in the file");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }

    private static PostingDocument FromDraft(DraftInvoice draft, string number)
    {
        var sign = draft.IsCreditMemo ? -1m : 1m;
        var lines = draft.Lines
            .Where(l => !l.Excluded)
            .Select(l => new PostingLine(
                l.ItemId?.ToString("N") ?? "",
                l.ItemName ?? "Misc charges",
                l.Description,
                l.Quantity,
                sign * l.UnitPrice,
                sign * l.Amount,
                l.Taxable))
            .ToList();
        return new PostingDocument($"key-{number}", Guid.NewGuid(), draft.IsCreditMemo ? DocumentKind.CreditMemo : DocumentKind.Invoice, number,
            draft.ClientId.ToString("N"), draft.ClientName, draft.InvoiceDate, draft.DueDate, "November 2026", "USD", lines);
    }

    private static PostingDocument Document(DocumentKind kind, string number, string customer, params PostingLine[] lines) =>
        new($"key-{number}", Guid.NewGuid(), kind, number, customer, customer, November30, new DateOnly(2026, 12, 30), "November 2026", "USD", lines);

    private static PostingLine Line(string item, string description, decimal quantity, decimal unitPrice, decimal amount, bool taxable = false, string? account = null) =>
        new($"item-{item}", item, description, quantity, unitPrice, amount, taxable, account);
}
