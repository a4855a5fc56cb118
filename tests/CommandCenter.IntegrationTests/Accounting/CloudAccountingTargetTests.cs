using CommandCenter.Accounting;
using CommandCenter.Accounting.Cloud;
using CommandCenter.Accounting.Qbo;
using CommandCenter.Accounting.Xero;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// The QBO and Xero targets through their real DI registration and HTTP pipeline against the simulators. One class so
/// the page-size knob is never changed under another test's feet.
/// </summary>
public sealed class CloudAccountingTargetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostingDocument Document(AccountingKind kind, string number, DocumentKind documentKind = DocumentKind.Invoice, params PostingLine[] lines)
    {
        var key = $"t:{number}:v1";
        return new PostingDocument(key, Guid.NewGuid(), documentKind, number,
            kind == AccountingKind.Qbo ? "1" : XeroCustomer, "Client", new DateOnly(2026, 3, 31), new DateOnly(2026, 4, 30), "Managed services March 2026", "USD",
            lines.Length > 0 ? lines : [Line(kind, 40, 45.00m), Line(kind, 2, 150.00m)]);
    }

    private static readonly string XeroCustomer = new XeroData().Contacts[0].Id.ToString();

    private static PostingLine Line(AccountingKind kind, decimal quantity, decimal price, decimal? amount = null, int item = 1) =>
        new(kind == AccountingKind.Qbo ? item.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"CC{item:00}", "Item", "Managed workstations",
            quantity, price, amount ?? quantity * price, false);

    private static IReadOnlyList<CloudDocument> Created(SimulatorWorld world, AccountingKind kind, DocumentKind documentKind = DocumentKind.Invoice) =>
        (kind, documentKind) switch
        {
            (AccountingKind.Qbo, DocumentKind.Invoice) => world.Qbo.Invoices,
            (AccountingKind.Qbo, _) => world.Qbo.CreditMemos,
            (_, DocumentKind.Invoice) => world.Xero.Invoices,
            _ => world.Xero.CreditNotes,
        };

    [Theory]
    [InlineData(AccountingKind.Qbo)]
    [InlineData(AccountingKind.Xero)]
    public async Task PostAsync_SameDocumentTwice_OneDocumentInTarget(AccountingKind kind)
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        var endpoint = h.Endpoint(kind, await h.AuthorizeAsync(kind));
        var document = Document(kind, "CC2603-001");

        var first = await h.WithTargetAsync(kind, t => t.PostAsync(endpoint, document, Ct));
        var replay = await h.WithTargetAsync(kind, t => t.PostAsync(endpoint, document, Ct));

        replay.ExternalId.ShouldBe(first.ExternalId);
        first.ExternalNumber.ShouldBe("CC2603-001");
        first.Total.ShouldBe(2100.00m);
        Created(h.Server.World, kind).Count.ShouldBe(1);
        (await h.WithTargetAsync(kind, t => t.FindAsync(endpoint, document, Ct)))!.ExternalId.ShouldBe(first.ExternalId);
    }

    [Theory]
    [InlineData(AccountingKind.Qbo)]
    [InlineData(AccountingKind.Xero)]
    public async Task PostAsync_CreditMemoWithProratedLine_PostsCreditWithExactTotal(AccountingKind kind)
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        var endpoint = h.Endpoint(kind, await h.AuthorizeAsync(kind));
        // 3 × 33.333 = 99.999 but the preview line is 100.00; 15/31 days of 35.00 = 16.935… → 16.94.
        var document = Document(kind, "CC2603-CM1", DocumentKind.CreditMemo, Line(kind, 3, 33.333m, 100.00m), Line(kind, 1, 35.00m * 15 / 31, 16.94m, item: 2));

        var posted = await h.WithTargetAsync(kind, t => t.PostAsync(endpoint, document, Ct));

        posted.Total.ShouldBe(document.Total);
        posted.Total.ShouldBe(116.94m);
        var created = Created(h.Server.World, kind, DocumentKind.CreditMemo).ShouldHaveSingleItem();
        created.Total.ShouldBe(116.94m);
        Created(h.Server.World, kind).ShouldBeEmpty();
        created.Payload.ToJsonString().ShouldContain("33.333");
    }

    [Theory]
    [InlineData(AccountingKind.Qbo, "/invoice")]
    [InlineData(AccountingKind.Xero, "/Invoices")]
    public async Task PostAsync_CommitTimeout_UncertainThenFindAsyncFindsTheOneDocument(AccountingKind kind, string path)
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        var endpoint = h.Endpoint(kind, await h.AuthorizeAsync(kind), timeoutSeconds: 2);
        var document = Document(kind, "CC2603-002");
        h.Server.World.Faults.Enqueue(new FaultSpec(kind == AccountingKind.Qbo ? "qbo" : "xero", FaultKind.CommitTimeout, PathContains: path, DelaySeconds: 30));

        var error = await Should.ThrowAsync<AccountingException>(() => h.WithTargetAsync(kind, t => t.PostAsync(endpoint, document, Ct)));

        error.ShouldNotBeOfType<AccountingRejectedException>();
        error.ShouldNotBeOfType<AccountingAuthorizationException>();
        var found = await h.WithTargetAsync(kind, t => t.FindAsync(endpoint, document, Ct));
        found.ShouldNotBeNull();
        found.Total.ShouldBe(document.Total);
        Created(h.Server.World, kind).ShouldHaveSingleItem().Id.ShouldBe(found.ExternalId);
        // Another version with the same number is not mistaken for it.
        (await h.WithTargetAsync(kind, t => t.FindAsync(endpoint, document with { IdempotencyKey = "t:CC2603-002:v2", ExternalGuid = Guid.NewGuid() }, Ct))).ShouldBeNull();
    }

    [Theory]
    [InlineData(AccountingKind.Qbo)]
    [InlineData(AccountingKind.Xero)]
    public async Task PostAsync_Rejected_ThrowsRejectedAndCreatesNothing(AccountingKind kind)
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        var endpoint = h.Endpoint(kind, await h.AuthorizeAsync(kind));
        h.Server.World.Faults.Enqueue(kind == AccountingKind.Qbo ? "qbo" : "xero", FaultKind.Reject);

        var error = await Should.ThrowAsync<AccountingRejectedException>(() => h.WithTargetAsync(kind, t => t.PostAsync(endpoint, Document(kind, "CC2603-003"), Ct)));
        error.Message.ShouldContain("told to reject");

        // A real validation error too: an unknown item.
        var unknownItem = Document(kind, "CC2603-004", DocumentKind.Invoice, Line(kind, 1, 10m, item: 99));
        var invalid = await Should.ThrowAsync<AccountingRejectedException>(() => h.WithTargetAsync(kind, t => t.PostAsync(endpoint, unknownItem, Ct)));
        invalid.Message.ShouldContain(kind == AccountingKind.Qbo ? "Invalid Reference Id" : "is not valid");
        Created(h.Server.World, kind).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(AccountingKind.Qbo)]
    [InlineData(AccountingKind.Xero)]
    public async Task PostAsync_ExpiredAccessToken_RefreshesPersistsRotatedTokensAndOldRefreshTokenIsDead(AccountingKind kind)
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        var authorized = await h.AuthorizeAsync(kind);
        var stale = authorized with { AccessTokenExpiresUtc = TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-1) };
        var connectionId = Guid.NewGuid();
        var endpoint = h.Endpoint(kind, stale, connectionId: connectionId);

        await h.WithTargetAsync(kind, t => t.PostAsync(endpoint, Document(kind, "CC2603-005"), Ct));

        var saved = h.Saved.ShouldHaveSingleItem();
        saved.RefreshToken.ShouldNotBe(authorized.RefreshToken);
        saved.AccessToken.ShouldNotBe(authorized.AccessToken);
        saved.AccessTokenExpiresUtc!.Value.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(20));

        // The same (stale) endpoint again uses the rotated pair: no second refresh.
        await h.WithTargetAsync(kind, t => t.PostAsync(endpoint, Document(kind, "CC2603-006"), Ct));
        h.Saved.Count.ShouldBe(1);

        // Use the new refresh token once (rotation), after which the original one is refused.
        var tokens = h.Services.GetRequiredService<OAuthTokens>();
        await tokens.RefreshAsync(h.Endpoint(kind, saved with { AccessToken = null }), "target", null, Ct);
        var oldOnly = h.Endpoint(kind, stale);
        await Should.ThrowAsync<AccountingAuthorizationException>(() => h.WithTargetAsync(kind, t => t.PostAsync(oldOnly, Document(kind, "CC2603-007"), Ct)));
        Created(h.Server.World, kind).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(AccountingKind.Qbo)]
    [InlineData(AccountingKind.Xero)]
    public async Task PostAsync_NoTokens_ThrowsAuthorization(AccountingKind kind)
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        var endpoint = h.Endpoint(kind, new AccountingCredentials { ClientId = "x", ClientSecret = "y", RealmId = AccountingSimulatorCredentials.QboRealmId, XeroTenantId = AccountingSimulatorCredentials.XeroTenantId });

        await Should.ThrowAsync<AccountingAuthorizationException>(() => h.WithTargetAsync(kind, t => t.PostAsync(endpoint, Document(kind, "CC2603-008"), Ct)));
    }

    [Fact]
    public async Task ListCustomersAndItems_AcrossPages_EveryRecordOnce()
    {
        await using var h = await CloudAccountingHarness.StartAsync();
        QboTarget.PageSize = 7;
        XeroTarget.PageSize = 7;
        try
        {
            foreach (var kind in new[] { AccountingKind.Qbo, AccountingKind.Xero })
            {
                var endpoint = h.Endpoint(kind, await h.AuthorizeAsync(kind));
                var customers = await h.WithTargetAsync(kind, t => t.ListCustomersAsync(endpoint, Ct));
                var items = await h.WithTargetAsync(kind, t => t.ListItemsAsync(endpoint, Ct));
                await h.WithTargetAsync(kind, async t => { await t.CheckAsync(endpoint, Ct); return 0; });

                customers.Count.ShouldBe(AccountingBook.Customers.Count);
                customers.Select(c => c.Id).Distinct().Count().ShouldBe(customers.Count);
                customers.Select(c => c.Name).ShouldBe(AccountingBook.Customers.Select(c => c.Name), ignoreOrder: true);
                customers.Single(c => c.Name == "Fabrikam Inc").Active.ShouldBeFalse();
                items.Select(i => i.Name).ShouldBe(AccountingBook.Items.Select(i => i.Name), ignoreOrder: true);
                items.ShouldContain(i => i.Name == "Misc charges");
            }
        }
        finally
        {
            QboTarget.PageSize = 1000;
            XeroTarget.PageSize = 100;
        }
    }
}
