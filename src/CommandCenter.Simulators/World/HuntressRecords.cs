using System.Text.Json.Serialization;

namespace CommandCenter.Simulators.World;

/// <summary>A Huntress organization (snake_case, as <c>GET /v1/organizations</c> returns it).</summary>
public sealed record HuntressOrganization
{
    [JsonPropertyName("id")] public required int Id { get; init; }
    [JsonPropertyName("account_id")] public required int AccountId { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("agents_count")] public int AgentsCount { get; init; }
    [JsonPropertyName("incident_reports_count")] public int IncidentReportsCount { get; init; }
    [JsonPropertyName("logs_sources_count")] public int LogsSourcesCount { get; init; }
    [JsonPropertyName("billable_identity_count")] public int BillableIdentityCount { get; init; }
    [JsonPropertyName("sat_learner_count")] public int SatLearnerCount { get; init; }
    [JsonPropertyName("identity_provider_tenant_id")] public string? IdentityProviderTenantId { get; init; }
    [JsonPropertyName("report_recipients")] public IReadOnlyList<string> ReportRecipients { get; init; } = [];
}

/// <summary>A Huntress agent (snake_case, as <c>GET /v1/agents</c> returns it).</summary>
public sealed record HuntressAgent
{
    [JsonPropertyName("id")] public required int Id { get; init; }
    [JsonPropertyName("account_id")] public required int AccountId { get; init; }
    [JsonPropertyName("organization_id")] public required int OrganizationId { get; init; }
    [JsonPropertyName("hostname")] public required string Hostname { get; init; }
    [JsonPropertyName("platform")] public required string Platform { get; init; }
    [JsonPropertyName("os")] public required string Os { get; init; }
    [JsonPropertyName("os_major")] public int? OsMajor { get; init; }
    [JsonPropertyName("os_minor")] public int? OsMinor { get; init; }
    [JsonPropertyName("os_build_version")] public string? OsBuildVersion { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = "0.14.12";
    [JsonPropertyName("edr_version")] public string? EdrVersion { get; init; }
    [JsonPropertyName("arch")] public string Arch { get; init; } = "x86_64";
    [JsonPropertyName("domain_name")] public string? DomainName { get; init; }
    [JsonPropertyName("external_ip")] public string? ExternalIp { get; init; }
    [JsonPropertyName("ipv4_address")] public string? Ipv4Address { get; init; }
    [JsonPropertyName("mac_addresses")] public IReadOnlyList<string> MacAddresses { get; init; } = [];
    [JsonPropertyName("serial_number")] public string? SerialNumber { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string> Tags { get; init; } = [];
    [JsonPropertyName("defender_status")] public string? DefenderStatus { get; init; }
    [JsonPropertyName("firewall_status")] public string? FirewallStatus { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("last_callback_at")] public required DateTimeOffset LastCallbackAt { get; init; }
}
