namespace CommandCenter.Common;

/// <summary>A row that belongs to one tenant; the "Tenant" named query filter applies to it.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
