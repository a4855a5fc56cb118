using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Clients;

public sealed class AgreementTermsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveAsync_Overrides_AreEffectiveAndAuditedWithBeforeAndAfter_ClearedFollowTheSettings()
    {
        await using var db = await TestDatabase.CreateAsync();
        var clientId = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Acme Dental"), Ct);
        var settings = new BillingSettingsStore.Handler(db.TenantDb(), db.Audit, db.Time);
        var tenant = BillingSettingsStore.ToRequest(await settings.GetAsync(Ct));
        await settings.SaveAsync(tenant with { TimeIncrementMinutes = 6, PaymentTermsDays = 20 }, Ct);
        var terms = new SaveAgreementTerms.Handler(db.TenantDb(), db.Audit);

        var before = await terms.GetAsync(clientId, Ct);
        var saved = await terms.SaveAsync(clientId, new SaveAgreementTerms.Request(30, 60, null, "Signed contract"), Ct);

        before.EffectiveTimeIncrementMinutes.ShouldBe(6);
        before.EffectivePaymentTermsDays.ShouldBe(20);
        saved.EffectiveTimeIncrementMinutes.ShouldBe(30);
        saved.EffectiveTicketMinimumMinutes.ShouldBe(60);
        saved.EffectivePaymentTermsDays.ShouldBe(20);
        saved.PaymentTermsDays.ShouldBeNull();
        await using (var ctx = db.Open())
        {
            var audit = await ctx.AuditEntries.SingleAsync(a => a.Action == "client.agreement-terms-changed", Ct);
            audit.Reason.ShouldBe("Signed contract");
            // The audit writer leaves nulls out: before, the client followed the settings on every term.
            audit.Before!.ShouldNotContain("timeIncrementMinutes");
            audit.After!.ShouldContain("\"timeIncrementMinutes\":30");
            audit.After!.ShouldContain("\"ticketMinimumMinutes\":60");
            audit.After!.ShouldContain(clientId.ToString());
        }

        var cleared = await terms.SaveAsync(clientId, new SaveAgreementTerms.Request(null, null, null), Ct);
        cleared.EffectiveTimeIncrementMinutes.ShouldBe(6);
        cleared.EffectiveTicketMinimumMinutes.ShouldBe(0);
    }

    [Fact]
    public async Task SaveAsync_OutOfRange_IsRefusedByField_AndUnknownClientIsNotFound()
    {
        await using var db = await TestDatabase.CreateAsync();
        var clientId = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Acme"), Ct);
        var terms = new SaveAgreementTerms.Handler(db.TenantDb(), db.Audit);

        var refused = await Should.ThrowAsync<ValidationFailedException>(() => terms.SaveAsync(clientId, new SaveAgreementTerms.Request(0, 481, 366), Ct));

        refused.Errors.Keys.ShouldBe(["timeIncrementMinutes", "ticketMinimumMinutes", "paymentTermsDays"], ignoreOrder: true);
        await Should.ThrowAsync<NotFoundException>(() => terms.SaveAsync(Guid.NewGuid(), new SaveAgreementTerms.Request(15, 0, 30), Ct));
        var other = await db.AddTenantAsync("Other MSP");
        await Should.ThrowAsync<NotFoundException>(() => new SaveAgreementTerms.Handler(db.TenantDb(other), db.Audit).GetAsync(clientId, Ct));
    }
}
