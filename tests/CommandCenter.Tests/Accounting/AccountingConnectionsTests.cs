using CommandCenter.Accounting;
using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Accounting;

public sealed class AccountingConnectionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveAsync_Conductor_StoresEncryptedAndReturnsOnlyAHint()
    {
        await using var f = await AccountingFixture.CreateAsync();

        var view = await f.Connections.SaveAsync(AccountingFixture.Conductor(), Ct);

        view.Kind.ShouldBe(AccountingKind.Conductor);
        view.BaseUrl.ShouldBe("https://conductor.example.test/v1");
        view.TimeoutSeconds.ShouldBe(90);
        view.Status.ShouldBe(AccountingStatus.Unchecked);
        view.HasCredentials.ShouldBeTrue();
        view.CredentialHint.ShouldBe("end user end_…01");
        await using var ctx = f.Db.Open();
        var stored = await ctx.AccountingConnections.SingleAsync(Ct);
        stored.ProtectedCredentials!.ShouldNotContain("sk_test_123456789");
        f.Protector.Unprotect(stored.ProtectedCredentials).SecretKey.ShouldBe("sk_test_123456789");
        var audit = await ctx.AuditEntries.SingleAsync(a => a.Action == "accounting.connection.saved", Ct);
        audit.After!.ShouldContain("conductor");
        audit.After!.ShouldNotContain("sk_test_123456789");
        audit.After!.ShouldNotContain("end_usr_0000000001");
    }

    [Fact]
    public async Task SaveAsync_ConductorFirstSaveWithoutSecrets_NamesBothFields()
    {
        await using var f = await AccountingFixture.CreateAsync();

        var error = await Should.ThrowAsync<ValidationFailedException>(() => f.Connections.SaveAsync(AccountingFixture.Conductor(secretKey: " ", endUserId: null), Ct));

        error.Errors.Keys.ShouldBe(["credentials.secretKey", "credentials.endUserId"], ignoreOrder: true);
        (await f.Connections.GetAsync(Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task SaveAsync_ConductorLaterWithBlankSecrets_KeepsTheStoredOnes_AndBumpsTheSettingsVersion()
    {
        await using var f = await AccountingFixture.CreateAsync();
        var first = await f.Connections.SaveAsync(AccountingFixture.Conductor(), Ct);

        var second = await f.Connections.SaveAsync(AccountingFixture.Conductor(secretKey: "", endUserId: null) with { TimeoutSeconds = 120 }, Ct);

        second.TimeoutSeconds.ShouldBe(120);
        second.SettingsVersion.ShouldBe(first.SettingsVersion + 1);
        await using var ctx = f.Db.Open();
        var credentials = f.Protector.Unprotect((await ctx.AccountingConnections.SingleAsync(Ct)).ProtectedCredentials);
        credentials.SecretKey.ShouldBe("sk_test_123456789");
        credentials.EndUserId.ShouldBe("end_usr_0000000001");
        (await ctx.AuditEntries.CountAsync(a => a.Action == "accounting.connection.saved", Ct)).ShouldBe(2);
    }

    [Theory]
    [InlineData("ftp://conductor.example.test", 30, "baseUrl")]
    [InlineData("conductor.example.test/v1", 30, "baseUrl")]
    [InlineData(null, 4, "timeoutSeconds")]
    [InlineData(null, 301, "timeoutSeconds")]
    public async Task SaveAsync_BadUrlOrTimeout_NamesTheField(string? baseUrl, int timeout, string field)
    {
        await using var f = await AccountingFixture.CreateAsync();

        var error = await Should.ThrowAsync<ValidationFailedException>(() =>
            f.Connections.SaveAsync(AccountingFixture.Conductor() with { BaseUrl = baseUrl, TimeoutSeconds = timeout }, Ct));

        error.Errors.Keys.ShouldBe([field]);
    }

    [Fact]
    public async Task SaveAsync_QboWithoutClientSecret_NamesIt_WithBoth_NeedsAuthorization()
    {
        await using var f = await AccountingFixture.CreateAsync(registerQbo: true);
        var qbo = new AccountingConnections.Request(AccountingKind.Qbo, TokenUrl: "http://localhost:5000/sim/qbo/oauth2/token",
            Credentials: new AccountingConnections.CredentialsInput(ClientId: "ABcdEF123456"));

        var error = await Should.ThrowAsync<ValidationFailedException>(() => f.Connections.SaveAsync(qbo, Ct));
        var saved = await f.Connections.SaveAsync(qbo with { Credentials = new AccountingConnections.CredentialsInput(ClientId: "ABcdEF123456", ClientSecret: "s3cret-value") }, Ct);

        error.Errors.Keys.ShouldBe(["credentials.clientSecret"]);
        saved.Status.ShouldBe(AccountingStatus.NeedsAuthorization);
        saved.Authorized.ShouldBeFalse();
        saved.TokenUrl.ShouldBe("http://localhost:5000/sim/qbo/oauth2/token");
        saved.AuthorizeUrl.ShouldBe(AccountingEndpoints.DefaultAuthorizeUrl(AccountingKind.Qbo)!.ToString());
        saved.BaseUrl.ShouldBe("https://quickbooks.api.intuit.com");
        saved.CredentialHint!.ShouldNotContain("s3cret");
    }

    [Fact]
    public async Task SaveAsync_IifUnknownDateFormat_NamesIt()
    {
        await using var f = await AccountingFixture.CreateAsync();

        var error = await Should.ThrowAsync<ValidationFailedException>(() =>
            f.Connections.SaveAsync(AccountingFixture.Iif() with { Iif = new AccountingConnections.IifOptions("Accounts Receivable", "", "yyyy-MM-dd") }, Ct));

        error.Errors.Keys.ShouldBe(["iif.incomeAccount", "iif.dateFormat"], ignoreOrder: true);
    }

    [Fact]
    public async Task SaveAsync_KindChangeWithoutConfirmation_IsRefusedAndKeepsEverything()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        await f.Mappings.SetAsync([new(f.Clients["Bluebird Insurance Agency"], "80000001-1600000000")], [new(f.Items["Managed Workstation"], "I-1")], null, Ct);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => f.Connections.SaveAsync(AccountingFixture.Iif(), Ct));

        error.Errors["confirmKindChange"].Single().ShouldContain("clears the 7 imported customers and items and the mappings of 1 clients and 1 catalog items");
        var view = (await f.Connections.GetAsync(Ct))!;
        view.Kind.ShouldBe(AccountingKind.Conductor);
        view.ClientsMapped.ShouldBe(1);
        view.CustomersImported.ShouldBe(5);
    }

    [Fact]
    public async Task SaveAsync_KindChangeConfirmed_ClearsRecordsAndEveryMapping_Audited()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        await f.Mappings.SetAsync([new(f.Clients["Bluebird Insurance Agency"], "80000001-1600000000")], [new(f.Items["Managed Workstation"], "I-1")], null, Ct);

        var view = await f.Connections.SaveAsync(AccountingFixture.Iif(confirm: true), Ct);

        view.Kind.ShouldBe(AccountingKind.Iif);
        view.Status.ShouldBe(AccountingStatus.Connected);
        view.CustomersImported.ShouldBe(0);
        view.ItemsImported.ShouldBe(0);
        view.CustomersImportedUtc.ShouldBeNull();
        view.HasCredentials.ShouldBeFalse();
        await using var ctx = f.Db.Open();
        (await ctx.AccountingRecords.CountAsync(Ct)).ShouldBe(0);
        (await ctx.Clients.CountAsync(c => c.AccountingCustomerRef != null, Ct)).ShouldBe(0);
        (await ctx.CatalogItems.CountAsync(i => i.AccountingItemRef != null, Ct)).ShouldBe(0);
        var audit = await ctx.AuditEntries.SingleAsync(a => a.Action == "accounting.kind-changed", Ct);
        audit.Before!.ShouldContain("\"records\":7");
        audit.Before!.ShouldContain("\"clientMappings\":1");
        audit.After!.ShouldContain("\"kind\":\"iif\"");
    }

    [Fact]
    public async Task CheckAsync_TargetAnswers_Connected_AuthorizationError_NeedsAuthorization_OtherError_FailedWithMessage()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.Connections.SaveAsync(AccountingFixture.Conductor(), Ct);

        var ok = await f.Connections.CheckAsync(Ct);
        f.Target.Fail = new AccountingAuthorizationException("Connect QuickBooks again.");
        var auth = await f.Connections.CheckAsync(Ct);
        f.Target.Fail = new AccountingException("The QuickBooks Web Connector is not running on the company's PC.");
        var failed = await f.Connections.CheckAsync(Ct);

        ok.Status.ShouldBe(AccountingStatus.Connected);
        auth.Status.ShouldBe(AccountingStatus.NeedsAuthorization);
        failed.Status.ShouldBe(AccountingStatus.Failed);
        var view = (await f.Connections.GetAsync(Ct))!;
        view.Status.ShouldBe(AccountingStatus.Failed);
        view.LastError.ShouldBe("The QuickBooks Web Connector is not running on the company's PC.");
        view.LastCheckedUtc.ShouldBe(f.Db.Time.GetUtcNow().UtcDateTime);
        f.Target.Calls.Last().Credentials.SecretKey.ShouldBe("sk_test_123456789"); // the target got the decrypted credentials
    }

    [Fact]
    public async Task CheckAsync_NoAdapterRegisteredForTheKind_FailsWithAClearMessage()
    {
        await using var f = await AccountingFixture.CreateAsync(registerQbo: false);
        await f.Connections.SaveAsync(new AccountingConnections.Request(AccountingKind.Xero,
            Credentials: new AccountingConnections.CredentialsInput(ClientId: "xero-client-1", ClientSecret: "xero-secret")), Ct);

        var result = await f.Connections.CheckAsync(Ct);

        result.Status.ShouldBe(AccountingStatus.Failed);
        result.Error.ShouldBe("No adapter for Xero is installed in this build; choose another accounting system.");
        (await Should.ThrowAsync<AccountingException>(() => f.Connections.ImportAsync(Ct))).Message.ShouldContain("No adapter for Xero");
    }

    [Fact]
    public async Task ImportAsync_AgainAfterChanges_UpsertsByExternalId_DeactivatesWhatIsGone_NeverDeletes()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        f.Target.Customers =
        [
            new("80000001-1600000000", "Bluebird Insurance Agency"),
            new("80000002-1600000000", "Bluebird Insurance Agency (old)", Active: false),
            new("80000003-1600000000", "Canyon Creek Design Studio"),  // renamed
            new("80000004-1600000000", "Cedar Pointe Auto Group"),
            new("80000009-1600000000", "Fabrikam Inc"),                 // new
        ];                                                             // Contoso Ltd is gone
        f.Db.Time.Advance(TimeSpan.FromHours(1));

        var result = await f.Connections.ImportAsync(Ct);

        result.Customers.ShouldBe(new AccountingConnections.ImportCounts(New: 1, Updated: 2, Deactivated: 1, Total: 5));
        result.Items.ShouldBe(new AccountingConnections.ImportCounts(New: 0, Updated: 0, Deactivated: 0, Total: 2));
        await using var ctx = f.Db.Open();
        var records = await ctx.AccountingRecords.Where(r => r.Kind == AccountingRecordKinds.Customer).ToDictionaryAsync(r => r.ExternalId, Ct);
        records.Count.ShouldBe(6);
        records["80000005-1600000000"].Active.ShouldBeFalse();
        records["80000003-1600000000"].Name.ShouldBe("Canyon Creek Design Studio");
        var customers = await f.Mappings.RecordsAsync(AccountingMappings.Side.Customers, cancellationToken: Ct);
        customers.Items.Single(c => c.ExternalId == "80000005-1600000000").Problem.ShouldBe("no longer in the accounting system");
        customers.Items.Single(c => c.ExternalId == "80000002-1600000000").Problem.ShouldBe("inactive in the accounting system");
        var view = (await f.Connections.GetAsync(Ct))!;
        view.CustomersImported.ShouldBe(4);
        view.CustomersImportedUtc.ShouldBe(f.Db.Time.GetUtcNow().UtcDateTime);
        view.Status.ShouldBe(AccountingStatus.Connected);
    }

    [Fact]
    public async Task ImportIifListsAsync_CustomersOnly_LeavesItemsAlone()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.Connections.SaveAsync(AccountingFixture.Iif(), Ct);
        await f.Connections.ImportIifListsAsync("!CUST\tNAME\nCUST\tBluebird Insurance Agency\n!INVITEM\tNAME\tINVITEMTYPE\tACCNT\tPRICE\nINVITEM\tManaged Workstation\tSERV\tServices\t45.00\n", Ct);

        var second = await f.Connections.ImportIifListsAsync("!CUST\tNAME\nCUST\tBluebird Insurance Agency\nCUST\tContoso Ltd\n", Ct);

        second.Customers.ShouldBe(new AccountingConnections.ImportCounts(New: 1, Updated: 0, Deactivated: 0, Total: 2));
        second.Items.ShouldBeNull();
        var view = (await f.Connections.GetAsync(Ct))!;
        view.ItemsImported.ShouldBe(1);
        var item = (await f.Mappings.RecordsAsync(AccountingMappings.Side.Items, cancellationToken: Ct)).Items.Single();
        (item.ExternalId, item.Type, item.IncomeAccount, item.Price).ShouldBe(("Managed Workstation", "SERV", "Services", 45.00m));
    }

    [Fact]
    public async Task ImportIifListsAsync_OnAConductorConnection_IsRefused()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.Connections.SaveAsync(AccountingFixture.Conductor(), Ct);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => f.Connections.ImportIifListsAsync("!CUST\tNAME\nCUST\tA\n", Ct));

        error.Errors.Keys.ShouldBe(["kind"]);
    }
}
