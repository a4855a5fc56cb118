using CommandCenter.VendorSync;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Tests.VendorSync;

/// <summary>The live sync progress is one in-process dictionary for every tenant: a reader sees only its own tenant's syncs.</summary>
public sealed class SyncProgressIsolationTests
{
    [Fact]
    public void Tracker_RunningSyncOfOneTenant_IsInvisibleToAnother()
    {
        var tracker = new SyncProgressTracker(new FakeTimeProvider());
        Guid tenantA = Guid.NewGuid(), tenantB = Guid.NewGuid(), connectionA = Guid.NewGuid();
        var notified = new List<Guid>();
        tracker.Changed += notified.Add;

        var progress = tracker.Start(tenantA, connectionA);
        progress.Organizations(12);

        tracker.ForTenant(tenantA).Single().Organizations.ShouldBe(12);
        tracker.ForTenant(tenantB).ShouldBeEmpty();
        tracker.Get(tenantB, connectionA).ShouldBeNull();
        tracker.Get(tenantA, connectionA).ShouldNotBeNull();
        notified.ShouldAllBe(t => t == tenantA);
        tracker.End(progress);
        tracker.ForTenant(tenantA).ShouldBeEmpty();
    }
}
