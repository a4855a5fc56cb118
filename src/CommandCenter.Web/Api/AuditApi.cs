using System.Globalization;
using System.Text.Json;
using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record AuditChangeResponse(string Field, string? Before, string? After);

/// <param name="Before">The changed fields before the change as recorded (JSON), null for a creation.</param>
/// <param name="ClientId">The client the entry concerns, when it can be linked to one.</param>
/// <param name="Period">The billing month (YYYY-MM) the entry concerns, when it can be linked to one.</param>
internal sealed record AuditEntryResponse(
    long Id,
    DateTime AtUtc,
    string Actor,
    string Action,
    string ActionLabel,
    string EntityType,
    string EntityId,
    JsonElement? Before,
    JsonElement? After,
    string? Reason,
    IReadOnlyList<AuditChangeResponse> Changes,
    Guid? ClientId,
    string? Period)
{
    public static AuditEntryResponse From(AuditLog.Row r) => new(
        r.Id, r.AtUtc, r.Actor, r.Action, r.ActionLabel, r.EntityType, r.EntityId, Json(r.Before), Json(r.After), r.Reason,
        [.. r.Changes.Select(c => new AuditChangeResponse(c.Field, c.Before, c.After))], r.Link?.ClientId, r.Link?.Period);

    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }
}

internal static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.ApiBilling);

        audit.MapGet("/", async (AuditLog.Handler handler, string? from, string? to, string? actor, string? action, string? entityType, string? entityId, string? text,
            int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = Paging.Normalize(page, pageSize);
            var result = await handler.ListAsync(AuditQuery.Parse(from, to, actor, action, entityType, entityId, text) with { Page = p, PageSize = size }, ct);
            return TypedResults.Ok(new ListResponse<AuditEntryResponse>([.. result.Items.Select(AuditEntryResponse.From)], result.Total));
        })
        .WithName("ListAuditEntries")
        .WithSummary("The audit log, newest first: ?from=&to= (UTC days, inclusive), actor, action (a prefix such as line.), entityType, entityId, text (in reason, before and after).");

        return api;
    }
}

/// <summary>The audit filters as they arrive in a query string (API and the page's CSV link); a bad date is a 400 naming the field.</summary>
internal static class AuditQuery
{
    public static AuditLog.Query Parse(string? from, string? to, string? actor, string? action, string? entityType, string? entityId, string? text)
    {
        var v = new Validator();
        var fromDay = Day(v, "from", from);
        var toDay = Day(v, "to", to);
        v.ThrowIfInvalid();
        return new AuditLog.Query(fromDay, toDay, actor, action, entityType, entityId, text);
    }

    private static DateOnly? Day(Validator v, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        v.Add(field, $"'{field}' must be a date as YYYY-MM-DD.");
        return null;
    }
}
