using System.Text;
using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Audit;

/// <summary>The audit log on the real migrated SQLite schema: append-only in the database, filtered reads, the CSV export.</summary>
public sealed class AuditLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AuditEntries_UpdateOrDeleteThroughEfOrSql_RefusedByTheDatabase_InsertStillWorks()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var ctx = db.Open())
        {
            db.Audit.Record(ctx, "line.updated", "RecurringLine", Guid.NewGuid(), new { Quantity = 3 }, new { Quantity = 5 }, "Client added seats");
            await ctx.SaveChangesAsync(Ct);
        }

        await using (var ctx = db.Open())
        {
            var update = await Should.ThrowAsync<SqliteException>(() => ctx.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.Reason, "rewritten"), Ct));
            update.Message.ShouldContain("audit entries are append-only");
            var delete = await Should.ThrowAsync<SqliteException>(() => ctx.AuditEntries.ExecuteDeleteAsync(Ct));
            delete.Message.ShouldContain("audit entries are append-only");
            // Raw SQL without any tenant filter, as a script or a tool would issue it.
            (await Should.ThrowAsync<SqliteException>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Actor = 'someone else'", Ct)))
                .Message.ShouldContain("append-only");
            (await Should.ThrowAsync<SqliteException>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM AuditEntries", Ct)))
                .Message.ShouldContain("append-only");
        }

        await using (var ctx = db.Open())
        {
            var entry = await ctx.AuditEntries.SingleAsync(Ct);
            entry.Reason.ShouldBe("Client added seats");
            entry.Actor.ShouldBe("tester@test.local");
            // The change tracker refuses too, before the database is asked.
            entry.Reason = "rewritten";
            await Should.ThrowAsync<InvalidOperationException>(() => ctx.SaveChangesAsync(Ct));
        }

        await using (var ctx = db.Open())
        {
            db.Audit.Record(ctx, "line.deleted", "RecurringLine", Guid.NewGuid(), new { Quantity = 5 }, null, "Cancelled");
            await ctx.SaveChangesAsync(Ct);
            (await ctx.AuditEntries.CountAsync(Ct)).ShouldBe(2);
        }
    }

    [Fact]
    public async Task List_Filters_SelectByDaysActorActionPrefixEntityAndText_NewestFirst_OwnTenantOnly()
    {
        await using var db = await TestDatabase.CreateAsync();
        var other = await db.AddTenantAsync("Other MSP");
        var lineId = Guid.NewGuid();
        await RecordAsync(db, new DateTime(2026, 10, 31, 23, 59, 0, DateTimeKind.Utc), "ada@msp.test", "line.updated", "RecurringLine", lineId, "{\"quantity\":3}", "{\"quantity\":5}", "Seats up 50% after onboarding");
        await RecordAsync(db, new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), "bob@msp.test", "billing.line-adjusted", "Invoice", Guid.NewGuid(), "{\"unitPrice\":10}", "{\"unitPrice\":12}", "Price agreed");
        await RecordAsync(db, new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc), "ada@msp.test", "line.created", "RecurringLine", Guid.NewGuid(), null, "{\"description\":\"Backup 500GB\"}", null);
        await RecordAsync(db, new DateTime(2026, 11, 3, 9, 0, 0, DateTimeKind.Utc), "ada@msp.test", "ticket.closed", "Ticket", Guid.NewGuid(), "{\"status\":\"Open\"}", "{\"billingClass\":\"Billable\"}", null);
        await RecordAsync(db, new DateTime(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc), "eve@other.test", "line.updated", "RecurringLine", Guid.NewGuid(), "{\"quantity\":1}", "{\"quantity\":2}", "Seats up", other);
        var log = new AuditLog.Handler(db.TenantDb(), db.Audit);

        var all = await log.ListAsync(new AuditLog.Query(), Ct);
        all.Total.ShouldBe(4);
        all.Items.Select(r => r.Action).ShouldBe(["ticket.closed", "line.created", "billing.line-adjusted", "line.updated"]);

        var november = await log.ListAsync(new AuditLog.Query(From: new DateOnly(2026, 11, 1), To: new DateOnly(2026, 11, 2)), Ct);
        november.Items.Select(r => r.Action).ShouldBe(["line.created", "billing.line-adjusted"]);

        (await log.ListAsync(new AuditLog.Query(Actor: "ada@msp.test"), Ct)).Total.ShouldBe(3);
        (await log.ListAsync(new AuditLog.Query(Action: "line."), Ct)).Items.Select(r => r.Action).ShouldBe(["line.created", "line.updated"]);
        (await log.ListAsync(new AuditLog.Query(Action: "billing.line-"), Ct)).Items.Single().Action.ShouldBe("billing.line-adjusted");
        (await log.ListAsync(new AuditLog.Query(EntityType: "RecurringLine", EntityId: lineId.ToString()), Ct)).Items.Single().Reason.ShouldBe("Seats up 50% after onboarding");

        // Free text: reason, before and after, any case; a typed % is a percent sign, not a wildcard.
        (await log.ListAsync(new AuditLog.Query(Text: "BACKUP"), Ct)).Items.Single().Action.ShouldBe("line.created");
        (await log.ListAsync(new AuditLog.Query(Text: "billable"), Ct)).Items.Single().Action.ShouldBe("ticket.closed");
        (await log.ListAsync(new AuditLog.Query(Text: "50%"), Ct)).Items.Single().Action.ShouldBe("line.updated");
        (await log.ListAsync(new AuditLog.Query(Text: "5%"), Ct)).Total.ShouldBe(0);

        var paged = await log.ListAsync(new AuditLog.Query(Page: 2, PageSize: 3), Ct);
        paged.Total.ShouldBe(4);
        paged.Items.Single().Action.ShouldBe("line.updated");

        var row = all.Items.Single(r => r.Action == "line.updated");
        row.ActionLabel.ShouldBe("Recurring line changed");
        row.Changes.ShouldBe([new FieldChange("quantity", "Quantity", "3", "5")]);

        (await log.ActorsAsync(Ct)).ShouldBe(["ada@msp.test", "bob@msp.test"]);
    }

    [Fact]
    public async Task List_FromAfterTo_RefusedWithTheField()
    {
        await using var db = await TestDatabase.CreateAsync();
        var log = new AuditLog.Handler(db.TenantDb(), db.Audit);

        var refused = await Should.ThrowAsync<ValidationFailedException>(() => log.ListAsync(new AuditLog.Query(From: new DateOnly(2026, 11, 2), To: new DateOnly(2026, 11, 1)), Ct));

        refused.Errors.Keys.ShouldContain("from");
    }

    [Fact]
    public async Task Export_FilteredEntries_Rfc4180FormulaSafeCsv_AndTheExportIsRecorded()
    {
        await using var db = await TestDatabase.CreateAsync();
        await RecordAsync(db, new DateTime(2026, 11, 2, 9, 30, 15, DateTimeKind.Utc), "ada@msp.test", "line.updated", "RecurringLine", Guid.NewGuid(),
            "{\"description\":\"=HYPERLINK(\\\"http://evil\\\")\"}", "{\"description\":\"Backup, 500GB\"}", "-2 seats\r\nper \"client\"");
        await RecordAsync(db, new DateTime(2026, 11, 3, 9, 0, 0, DateTimeKind.Utc), "@bob", "ticket.closed", "Ticket", Guid.NewGuid(), null, "{\"billingClass\":\"Billable\"}", "+1 hour");
        var log = new AuditLog.Handler(db.TenantDb(actor: "auditor@msp.test"), db.Audit);

        using var output = new MemoryStream();
        var count = await log.ExportAsync(new AuditLog.Query(Action: "line."), output, Ct);

        count.ShouldBe(1);
        var bytes = output.ToArray();
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var csv = Encoding.UTF8.GetString(bytes[3..]);
        csv.ShouldBe(
            "When (UTC),Actor,Action,Entity type,Entity id,Before,After,Reason\r\n"
            + $"2026-11-02T09:30:15Z,ada@msp.test,line.updated,RecurringLine,{LastEntityId(db, "line.updated")},"
            + "\"{\"\"description\"\":\"\"=HYPERLINK(\\\"\"http://evil\\\"\")\"\"}\",\"{\"\"description\"\":\"\"Backup, 500GB\"\"}\",\"'-2 seats\r\nper \"\"client\"\"\"\r\n");

        AuditCsv.Cell("=1+2").ShouldBe("'=1+2");
        AuditCsv.Cell("+1 hour").ShouldBe("'+1 hour");
        AuditCsv.Cell("@bob").ShouldBe("'@bob");
        AuditCsv.Cell("-5").ShouldBe("'-5");
        AuditCsv.Cell("a,b").ShouldBe("\"a,b\"");
        AuditCsv.Cell(null).ShouldBe("");

        await using var ctx = db.Open();
        var recorded = await ctx.AuditEntries.SingleAsync(e => e.Action == AuditLog.ExportedAction, Ct);
        recorded.Actor.ShouldBe("auditor@msp.test");
        recorded.After!.ShouldContain("\"action\":\"line.\"");
        recorded.After!.ShouldContain("\"rows\":1");
    }

    [Fact]
    public void Compare_UpdateCreationDeletion_ShowsChangedFieldsReadably()
    {
        var update = AuditDiff.Compare("{\"quantity\":3,\"unitPrice\":10.5,\"name\":\"Backup\"}", "{\"quantity\":5,\"unitPrice\":10.5,\"name\":\"Backup\"}");
        update.ShouldBe([new FieldChange("quantity", "Quantity", "3", "5")]);

        var created = AuditDiff.Compare(null, "{\"name\":\"Acme\",\"credentialFields\":[\"clientSecret\"],\"client\":{\"accountingCustomerRef\":\"C-1\"}}");
        created.ShouldBe([
            new FieldChange("name", "Name", null, "Acme"),
            new FieldChange("credentialFields", "Credential fields", null, "clientSecret"),
            new FieldChange("client.accountingCustomerRef", "Client › accounting customer ref", null, "C-1"),
        ]);

        var deleted = AuditDiff.Compare("{\"enabled\":true}", null);
        deleted.ShouldBe([new FieldChange("enabled", "Enabled", "yes", null)]);

        AuditDiff.Compare("{\"price\":160.0}", "{\"price\":160.00}").ShouldBeEmpty();
        AuditDiff.Compare("{\"a\":1}", "{\"b\":2}").Select(c => (c.Field, c.Before, c.After)).ShouldBe([("a", "1", (string?)null), ("b", null, "2")]);
    }

    private static string LastEntityId(TestDatabase db, string action)
    {
        using var ctx = db.Open();
        return ctx.AuditEntries.Where(e => e.Action == action).Select(e => e.EntityId).Single();
    }

    private static async Task RecordAsync(TestDatabase db, DateTime at, string actor, string action, string entityType, Guid entityId, string? before, string? after, string? reason, Guid? tenantId = null)
    {
        await using var ctx = db.Open(tenantId);
        ctx.AuditEntries.Add(new AuditEntry
        {
            TenantId = tenantId ?? db.TenantId,
            Actor = actor,
            AtUtc = at,
            Action = action,
            EntityType = entityType,
            EntityId = entityId.ToString(),
            Before = before,
            After = after,
            Reason = reason,
        });
        await ctx.SaveChangesAsync(Ct);
    }
}
