using System.Text.Json.Serialization;

namespace CommandCenter.VendorSync.Huntress;

internal sealed record HuntressPagination(
    [property: JsonPropertyName("next_page_token")] string? NextPageToken,
    [property: JsonPropertyName("next_page_url")] string? NextPageUrl);

internal sealed record HuntressOrganizationsPage(List<HuntressOrganization>? Organizations, HuntressPagination? Pagination);

internal sealed record HuntressAgentsPage(List<HuntressAgent>? Agents, HuntressPagination? Pagination);

internal sealed record HuntressOrganization(
    long Id,
    string? Name,
    string? Key,
    [property: JsonPropertyName("agents_count")] int? AgentsCount);

internal sealed record HuntressAgent(
    long Id,
    [property: JsonPropertyName("organization_id")] long OrganizationId,
    string? Hostname,
    string? Platform,
    string? Os,
    [property: JsonPropertyName("serial_number")] string? SerialNumber,
    [property: JsonPropertyName("last_callback_at")] DateTimeOffset? LastCallbackAt);
