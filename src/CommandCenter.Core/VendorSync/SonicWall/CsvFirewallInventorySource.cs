namespace CommandCenter.VendorSync.SonicWall;

/// <summary>
/// The manual fallback: a CSV with the header <c>tenantId,tenantName,serialNumber,friendlyName,model</c> (order free,
/// case-insensitive; friendlyName and model may be empty; double-quoted fields allowed). A bad row fails the whole file
/// with its line number.
/// </summary>
public sealed class CsvFirewallInventorySource : IFirewallInventorySource
{
    private static readonly string[] Required = ["tenantId", "tenantName", "serialNumber"];
    private readonly List<FirewallTenant> _tenants = [];
    private readonly Dictionary<string, List<ManagedFirewall>> _firewalls = new(StringComparer.OrdinalIgnoreCase);

    public CsvFirewallInventorySource(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var headerIndex = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (headerIndex < 0)
        {
            throw new VendorSyncException("The firewall CSV is empty.");
        }

        var header = Split(lines[headerIndex], headerIndex + 1).Select(h => h.Trim()).ToList();
        var column = header.Select((name, index) => (name, index))
            .GroupBy(c => c.name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().index, StringComparer.OrdinalIgnoreCase);
        var missing = Required.Where(r => !column.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            throw new VendorSyncException($"The firewall CSV has no {string.Join(", ", missing)} column (expected tenantId,tenantName,serialNumber,friendlyName,model).");
        }

        for (var i = headerIndex + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var lineNumber = i + 1;
            var fields = Split(lines[i], lineNumber);
            string? Field(string name) =>
                column.TryGetValue(name, out var index) && index < fields.Count && !string.IsNullOrWhiteSpace(fields[index]) ? fields[index].Trim() : null;

            var tenantId = Field("tenantId") ?? throw Bad(lineNumber, "tenantId is empty");
            var serial = Field("serialNumber") ?? throw Bad(lineNumber, "serialNumber is empty");
            if (fields.Count > header.Count)
            {
                throw Bad(lineNumber, $"{fields.Count} fields for {header.Count} columns");
            }

            // The file's own fault, named by line and column, before anything is synced (a sync would record a failed run).
            if (tenantId.Length > VendorOrganization.ExternalIdMaxLength)
            {
                throw Bad(lineNumber, $"tenantId is longer than {VendorOrganization.ExternalIdMaxLength} characters");
            }

            if (Field("tenantName") is { Length: > VendorOrganization.NameMaxLength })
            {
                throw Bad(lineNumber, $"tenantName is longer than {VendorOrganization.NameMaxLength} characters");
            }

            if (!_firewalls.TryGetValue(tenantId, out var list))
            {
                _tenants.Add(new FirewallTenant(tenantId, Field("tenantName") ?? tenantId));
                _firewalls[tenantId] = list = [];
            }

            if (list.Any(f => string.Equals(f.SerialNumber, serial, StringComparison.OrdinalIgnoreCase)))
            {
                throw Bad(lineNumber, $"serial {serial} is listed twice for tenant {tenantId}");
            }

            list.Add(new ManagedFirewall(serial, Field("friendlyName"), Field("model"), null, null, null, null, tenantId));
        }
    }

    public string SourceName => "manual-csv";

    public Task<IReadOnlyList<FirewallTenant>> GetTenantsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<FirewallTenant>>(_tenants);

    public Task<IReadOnlyList<ManagedFirewall>> GetFirewallsAsync(string tenantId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ManagedFirewall>>(_firewalls.TryGetValue(tenantId, out var list) ? list : []);

    private static VendorSyncException Bad(int line, string why) => new($"Firewall CSV line {line}: {why}.");

    private static List<string> Split(string line, int lineNumber)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"' && current.ToString().Trim().Length == 0)
            {
                current.Clear();
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw Bad(lineNumber, "a quoted field is not closed");
        }

        fields.Add(current.ToString());
        return fields;
    }
}
