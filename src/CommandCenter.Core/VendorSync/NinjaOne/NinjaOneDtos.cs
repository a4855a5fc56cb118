using System.Text.Json.Serialization;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.NinjaOne;

internal sealed record NinjaOrganization(int Id, string? Name, string? Description, string? NodeApprovalMode);

/// <summary>A device (schema Device); nodeClass and approvalStatus stay open strings; timestamps are epoch seconds.</summary>
internal sealed record NinjaDevice(
    int Id,
    int OrganizationId,
    string? NodeClass,
    string? ApprovalStatus,
    bool? Offline,
    string? DisplayName,
    string? SystemName,
    string? DnsName,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTime? Created,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTime? LastContact);

