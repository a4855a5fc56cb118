using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Billing;

/// <summary>The review page's IIF download (<c>/billing/{period}/exports/{id}.iif</c>): the signed-in Owner or Billing user gets the file as the ledger keeps it; others do not.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IifExportDownloadTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BillingPeriod Month => BillingPeriod.Of(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime));

    [Fact]
    public async Task Download_BillingUser_GetsTheFileAndTheDownloadIsAudited_TechnicianDoesNot()
    {
        var content = Encoding.Latin1.GetBytes("!TRNS\tTRNSID\tTRNSTYPE\r\n!ENDTRNS\r\n");
        var (tenantId, exportId) = await SeedExportAsync(content);
        var href = new Uri(app.BaseAddress, $"/billing/{Month}/exports/{exportId}.iif").ToString();

        await using (var session = await Browser.OpenAsync(app.BaseAddress))
        {
            await Browser.SignInAsync(session.Page, DemoSeeder.BillingEmail, DemoSeeder.DemoPassword);
            var response = await session.Page.Context.APIRequest.GetAsync(href);

            response.Status.ShouldBe(200);
            (await response.BodyAsync()).ShouldBe(content);
            response.Headers["content-disposition"].ShouldContain($"billing-{Month}.iif");
            var missing = await session.Page.Context.APIRequest.GetAsync(new Uri(app.BaseAddress, $"/billing/{Month}/exports/{Guid.NewGuid()}.iif").ToString());
            missing.Status.ShouldBe(404);
        }

        await using (var session = await Browser.OpenAsync(app.BaseAddress))
        {
            await Browser.SignInAsync(session.Page, DemoSeeder.TechnicianEmail, DemoSeeder.DemoPassword);
            var denied = await session.Page.Context.APIRequest.GetAsync(href);
            (await denied.BodyAsync()).ShouldNotBe(content);
        }

        await using var db = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext().ForTenant(tenantId, "test");
        (await db.AuditEntries.CountAsync(a => a.Action == "accounting.iif.downloaded" && a.EntityId == exportId.ToString(), Ct)).ShouldBe(1);
    }

    /// <summary>An export ledger entry for this month's demo run, as Post all to IIF writes it.</summary>
    private async Task<(Guid TenantId, Guid ExportId)> SeedExportAsync(byte[] content)
    {
        using (var http = app.ApiClient(DemoSeeder.DemoApiKey))
        {
            await http.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{Month}?pageSize=1", Ct); // opens the run
        }

        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        Guid tenantId;
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            tenantId = await db.Tenants.Where(t => t.Name == DemoSeeder.DemoTenantName).Select(t => t.Id).SingleAsync(Ct);
        }

        await using var ctx = factory.CreateDbContext().ForTenant(tenantId, "test");
        var run = await ctx.BillingRuns.SingleAsync(r => r.Period == Month.Start, Ct);
        var export = new IifExport
        {
            RunId = run.Id,
            Period = Month.Start,
            Documents = 1,
            Total = 100m,
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
            Content = content,
            FileName = $"billing-{Month}.iif",
            ExportedBy = "test",
            ExportedUtc = TimeProvider.System.GetUtcNow().UtcDateTime,
        };
        ctx.IifExports.Add(export);
        await ctx.SaveChangesAsync(Ct);
        return (tenantId, export.Id);
    }
}
