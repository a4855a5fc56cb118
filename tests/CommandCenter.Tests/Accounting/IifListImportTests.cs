using CommandCenter.Accounting;
using CommandCenter.Common;

namespace CommandCenter.Tests.Accounting;

public sealed class IifListImportTests
{
    [Fact]
    public void Parse_QuickBooksListExport_ReadsCustomersAndItemsByColumnName()
    {
        // As QuickBooks writes it: CRLF, other lists in between, columns in its own order, quoted names, sub-items with colons.
        const string file =
            "!HDR\tPROD\tVER\tREL\r\nHDR\tQuickBooks Pro\tVersion 34.0D\tRelease R5P\r\n" +
            "!ACCNT\tNAME\tACCNTTYPE\r\nACCNT\tServices\tINC\r\n" +
            "!CUST\tREFNUM\tTIMESTAMP\tNAME\tBADDR1\tEMAIL\tHIDDEN\r\n" +
            "CUST\t11\t1600000000\tBluebird Insurance Agency\t1 Main St\tap@bluebird.example\tN\r\n" +
            "CUST\t12\t1600000001\t\"Smith, John\"\t\t\tN\r\n" +
            "CUST\t13\t1600000002\tOld Client\t\t\tY\r\n" +
            "!INVITEM\tNAME\tREFNUM\tINVITEMTYPE\tDESC\tACCNT\tPRICE\tEXTRA\r\n" +
            "INVITEM\tManaged Workstation\t1\tSERV\tPer device\tServices\t45.00\tX\r\n" +
            "INVITEM\tLicences:M365 Business Premium\t2\tNONINV\t\tLicence income\t1,020.50\r\n" +
            "INVITEM\tDiscount\t3\tDISC\t\tDiscounts\t10%\r\n";

        var lists = IifListImport.Parse(file);

        lists.Customers.ShouldNotBeNull().ShouldBe(
        [
            new ExternalCustomer("Bluebird Insurance Agency", "Bluebird Insurance Agency", true, "ap@bluebird.example"),
            new ExternalCustomer("Smith, John", "Smith, John", true),
            new ExternalCustomer("Old Client", "Old Client", false),
        ]);
        lists.Items.ShouldNotBeNull().ShouldBe(
        [
            new ExternalItem("Managed Workstation", "Managed Workstation", true, "SERV", 45.00m, "Services"),
            new ExternalItem("Licences:M365 Business Premium", "Licences:M365 Business Premium", true, "NONINV", 1020.50m, "Licence income"),
            new ExternalItem("Discount", "Discount", true, "DISC", null, "Discounts"),
        ]);
    }

    [Fact]
    public void Parse_OnlyACustomerList_HasNoItemList()
    {
        var lists = IifListImport.Parse("!CUST\tNAME\nCUST\tContoso Ltd\n");

        lists.Customers!.Single().Id.ShouldBe("Contoso Ltd");
        lists.Items.ShouldBeNull();
    }

    [Fact]
    public void Parse_Problems_AreReportedWithTheirLineNumbers()
    {
        const string file =
            "CUST\tOrphan\n" +                                  // 1: before its header
            "!CUST\tREFNUM\tNAME\n" +                           // 2
            "CUST\t1\tAcme\n" +                                 // 3
            "CUST\t2\t\n" +                                     // 4: no name
            "CUST\t3\tAcme\n" +                                 // 5: twice
            "!INVITEM\tNAME\tPRICE\n" +                         // 6
            "INVITEM\tWorkstation\tforty-five\n";               // 7: not a number

        var error = Should.Throw<ValidationFailedException>(() => IifListImport.Parse(file));

        error.Errors["file"].ShouldBe(
        [
            "Line 1: a CUST row before its !CUST header row.",
            "Line 4: a customer without a NAME.",
            "Line 5: the customer 'Acme' is listed twice (first on line 3).",
            "Line 7: the PRICE 'forty-five' of item 'Workstation' is not a number.",
        ]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("!ACCNT\tNAME\nACCNT\tServices\n")]
    public void Parse_NoCustomerOrItemList_SaysWhatToExport(string file)
    {
        var error = Should.Throw<ValidationFailedException>(() => IifListImport.Parse(file));

        error.Errors["file"].Single().ShouldContain("Lists to IIF Files");
    }

    [Fact]
    public void Parse_HeaderWithoutName_IsReported()
    {
        var error = Should.Throw<ValidationFailedException>(() => IifListImport.Parse("!CUST\tREFNUM\tEMAIL\nCUST\t1\ta@b.c\n"));

        error.Errors["file"].ShouldBe(["Line 1: the !CUST header has no NAME column."]);
    }
}
