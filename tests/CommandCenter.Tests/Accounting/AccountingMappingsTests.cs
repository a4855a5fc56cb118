using CommandCenter.Accounting;
using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Accounting;

public sealed class AccountingMappingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAsync_AfterImport_SuggestsSameNameThenSimilarName_AndAppliesNothing()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);

        var view = await f.Mappings.ListAsync(Ct);

        view.Clients.Select(c => c.Name).ShouldBe(["Bluebird Insurance Agency", "Canyon Creek Design Studio", "Cedar Point Auto Group", "Orchard Brewing Co."]); // active only
        var byName = view.Clients.ToDictionary(c => c.Name);
        byName["Bluebird Insurance Agency"].Suggestion.ShouldBe(new AccountingMappings.Suggestion("80000001-1600000000", "Bluebird Insurance Agency", "same name", 100));
        // ", Inc." is a legal suffix: the normalized names are equal.
        byName["Canyon Creek Design Studio"].Suggestion!.Reason.ShouldBe("same name");
        byName["Cedar Point Auto Group"].Suggestion!.ExternalId.ShouldBe("80000004-1600000000");
        byName["Cedar Point Auto Group"].Suggestion!.Reason.ShouldBe("similar name");
        byName["Orchard Brewing Co."].Suggestion.ShouldBeNull();
        view.Items.Single(i => i.Name == "Managed Workstation").Suggestion!.ExternalId.ShouldBe("I-1");
        view.Items.Single(i => i.Name == "Cloud Backup").Suggestion.ShouldBeNull();
        view.ClientsMapped.ShouldBe(0);
        await using var ctx = f.Db.Open();
        (await ctx.Clients.CountAsync(c => c.AccountingCustomerRef != null, Ct)).ShouldBe(0);
        (await ctx.CatalogItems.CountAsync(i => i.AccountingItemRef != null, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AcceptSuggestionsAsync_Customers_MapsExactlyTheShownOnes_Audited_ItemsUntouched()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);

        var result = await f.Mappings.AcceptSuggestionsAsync(AccountingMappings.Side.Customers, Ct);

        result.Changes.Select(c => (c.Name, c.After)).ShouldBe(
        [
            ("Bluebird Insurance Agency", "80000001-1600000000"),
            ("Canyon Creek Design Studio", "80000003-1600000000"),
            ("Cedar Point Auto Group", "80000004-1600000000"),
        ], ignoreOrder: true);
        var view = await f.Mappings.ListAsync(Ct);
        view.ClientsMapped.ShouldBe(3);
        view.Clients.Single(c => c.Name == "Orchard Brewing Co.").Mapped.ShouldBeNull();
        view.ItemsMapped.ShouldBe(0);
        await using var ctx = f.Db.Open();
        var audits = await ctx.AuditEntries.Where(a => a.Action == "accounting.mapped").ToListAsync(Ct);
        audits.Count.ShouldBe(3);
        audits.ShouldContain(a => a.Reason == "Accepted suggestion (similar name)" && a.After!.Contains("Cedar Pointe Auto Group"));
    }

    [Fact]
    public async Task SetAsync_MapAndClear_IsAuditedWithBeforeAndAfter()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        var orchard = f.Clients["Orchard Brewing Co."];

        await f.Mappings.SetAsync([new(orchard, "80000005-1600000000")], [], "Orchard trades as Contoso", Ct);
        var cleared = await f.Mappings.SetAsync([new(orchard, null)], [], null, Ct);

        cleared.Changes.Single().ShouldBe(new AccountingMappings.Change(AccountingMappings.Side.Customers, orchard, "Orchard Brewing Co.", "80000005-1600000000", null));
        await using var ctx = f.Db.Open();
        (await ctx.Clients.SingleAsync(c => c.Id == orchard, Ct)).AccountingCustomerRef.ShouldBeNull();
        var audits = await ctx.AuditEntries.Where(a => a.Action == "accounting.mapped").OrderBy(a => a.Id).ToListAsync(Ct);
        audits.Count.ShouldBe(2);
        audits[0].Reason.ShouldBe("Orchard trades as Contoso");
        audits[0].After!.ShouldContain("\"externalName\":\"Contoso Ltd\"");
        audits[1].Before!.ShouldContain("80000005-1600000000");
    }

    [Fact]
    public async Task SetAsync_UnknownClientInactiveOrUnknownCustomer_NamesEachEntry_AndChangesNothing()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        f.Target.Customers.RemoveAll(c => c.Name == "Contoso Ltd");
        await f.Connections.ImportAsync(Ct); // Contoso is now inactive

        var error = await Should.ThrowAsync<ValidationFailedException>(() => f.Mappings.SetAsync(
            [new(f.Clients["Bluebird Insurance Agency"], "80000001-1600000000"), new(Guid.NewGuid(), "80000002-1600000000"), new(f.Clients["Orchard Brewing Co."], "80000005-1600000000")],
            [new(f.Items["Cloud Backup"], "80000001-1600000000")], // a customer id is not an item
            null, Ct));

        error.Errors.Keys.ShouldBe(["customers[1].clientId", "customers[2].externalId", "items[0].externalId"], ignoreOrder: true);
        error.Errors["customers[2].externalId"].Single().ShouldContain("Entry 3: '80000005-1600000000' is not an active customer");
        await using var ctx = f.Db.Open();
        (await ctx.Clients.CountAsync(c => c.AccountingCustomerRef != null, Ct)).ShouldBe(0); // not even the valid first entry
    }

    [Fact]
    public async Task ListAsync_MappedCustomerGoneFromTarget_ShowsBrokenWithReason_AndSuggestsAgain()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        var bluebird = f.Clients["Bluebird Insurance Agency"];
        await f.Mappings.SetAsync([new(bluebird, "80000002-1600000000")], [], null, Ct); // the "(old)" customer
        f.Target.Customers.RemoveAll(c => c.Id == "80000002-1600000000");
        f.Db.Time.Advance(TimeSpan.FromMinutes(5));
        await f.Connections.ImportAsync(Ct);

        var row = (await f.Mappings.ListAsync(Ct)).Clients.Single(c => c.Id == bluebird);

        row.IsMapped.ShouldBeFalse();
        row.Mapped!.Broken.ShouldBeTrue();
        row.Mapped.Problem.ShouldBe("no longer in the accounting system");
        row.Mapped.Name.ShouldBe("Bluebird Insurance Agency (old)");
        row.Suggestion!.ExternalId.ShouldBe("80000001-1600000000");
        (await f.Connections.GetAsync(Ct))!.ClientsUnmapped.ShouldBe(4);
    }

    [Fact]
    public async Task ListAsync_CustomerMappedToOneClient_IsNotSuggestedForAnother()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);
        await f.Mappings.SetAsync([new(f.Clients["Orchard Brewing Co."], "80000004-1600000000")], [], null, Ct);

        var view = await f.Mappings.ListAsync(Ct);

        view.Clients.Single(c => c.Name == "Cedar Point Auto Group").Suggestion.ShouldBeNull();
    }

    [Fact]
    public async Task SetFallbackItemAsync_ActiveItem_IsStored_UnknownIsRefused()
    {
        await using var f = await AccountingFixture.CreateAsync();
        await f.ImportedAsync(Ct);

        await f.Mappings.SetFallbackItemAsync("I-2", Ct);
        var error = await Should.ThrowAsync<ValidationFailedException>(() => f.Mappings.SetFallbackItemAsync("I-404", Ct));

        error.Errors.Keys.ShouldBe(["fallbackItemId"]);
        var view = (await f.Connections.GetAsync(Ct))!;
        view.FallbackItemId.ShouldBe("I-2");
        view.FallbackItemName.ShouldBe("Misc charges");
    }
}
