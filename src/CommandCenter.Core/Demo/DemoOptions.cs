namespace CommandCenter.Demo;

/// <summary>Demo mode: seeded demo tenants on an empty database, connections pointed at the in-app simulators.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>True in <c>appsettings.Development.json</c>, false elsewhere.</summary>
    public bool Enabled { get; set; }
}
