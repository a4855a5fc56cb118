using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Persistence;

namespace CommandCenter.Audit;

/// <summary>
/// Adds an audit entry to the same unit of work as the change it describes, so both are saved together or not at all.
/// Every module records its manual changes through this writer.
/// </summary>
public sealed class AuditWriter(TimeProvider time)
{
    /// <summary>The longest reason an audit entry keeps (its column's length).</summary>
    public const int ReasonMaxLength = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public AuditEntry Record(AppDbContext db, string action, string entityType, object entityId, object? before, object? after, string? reason = null)
    {
        var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("Audit needs a tenant-scoped context.");
        // The change and its entry are saved together: refusing here (before the save) refuses the whole change, so a
        // reason the audit log cannot hold is a 400 on the reason, never a database error after a half-done request.
        if (reason is not null && reason.Trim().Length > ReasonMaxLength)
        {
            throw Common.ValidationFailedException.For("reason", $"The reason can be at most {ReasonMaxLength} characters.");
        }

        var entry = new AuditEntry
        {
            TenantId = tenantId,
            Actor = db.Actor ?? "system",
            AtUtc = time.GetUtcNow().UtcDateTime,
            Action = action,
            EntityType = entityType,
            EntityId = Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}
