namespace CommandCenter.Scheduling;

/// <summary>The <c>Scheduler</c> configuration section.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    /// <summary>
    /// <c>false</c> (default): Quartz keeps its jobs in memory, right for one instance. <c>true</c>: Quartz runs on its
    /// clustered ADO.NET job store in the app's database (tables QRTZ_*, created by the QuartzSchema migration), so
    /// several instances share one schedule and each firing runs on exactly one of them.
    /// </summary>
    public bool Clustered { get; set; }

    /// <summary>How often a clustered instance checks in; an instance silent for about twice this long is taken for dead and its work recovered.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(15);
}
