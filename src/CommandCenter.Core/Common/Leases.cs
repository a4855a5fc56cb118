using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Common;

/// <summary>
/// A named, expiring claim in the shared database: whoever holds "posting:{tenant}" or "sync:{connection}" is the only
/// instance doing that work. Not tenant data (the key carries the tenant or connection id).
/// </summary>
public sealed class Lease
{
    public required string Key { get; set; }
    public required string Holder { get; set; }
    public DateTime ExpiresUtc { get; set; }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> builder)
    {
        builder.HasKey(l => l.Key);
        builder.Property(l => l.Key).HasMaxLength(200);
        builder.Property(l => l.Holder).HasMaxLength(200);
    }
}

/// <summary>
/// Takes, renews and releases <see cref="Lease"/>s for this process, so work that must run on one instance at a time
/// (a tenant's posting, a connection's sync, seeding the demo) does so across every instance on one database. A lease
/// lives <c>ttl</c> and is renewed at a third of it while held; a crashed holder's lease runs out and another takes it.
/// Within one process the callers serialise themselves first (<see cref="KeyedLocks"/>), so a holder never races itself.
/// </summary>
public sealed class Leases(IDbContextFactory<AppDbContext> factory, TimeProvider time, ILogger<Leases> logger)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(2);

    /// <summary>This process, as written in the leases it holds.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Takes the lease when it is free, expired or already ours; null when another instance holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        var life = ttl ?? DefaultTtl;
        if (!await TryTakeAsync(key, life, cancellationToken))
        {
            return null;
        }

        var stop = new CancellationTokenSource();
        return new Held(stop, RenewAsync(key, life, stop.Token), () => ReleaseAsync(key));
    }

    /// <summary>Waits (polling) until the lease can be taken.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(string key, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            if (await TryAcquireAsync(key, ttl, cancellationToken) is { } held)
            {
                return held;
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    private async Task<bool> TryTakeAsync(string key, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + ttl;
        await using var db = factory.CreateDbContext();
        var taken = await db.Leases
            .Where(l => l.Key == key && (l.Holder == Holder || l.ExpiresUtc < now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, Holder).SetProperty(l => l.ExpiresUtc, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.Leases.AnyAsync(l => l.Key == key, cancellationToken))
        {
            return false;
        }

        db.Leases.Add(new Lease { Key = key, Holder = Holder, ExpiresUtc = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance inserted it between our look and our insert: theirs.
            return false;
        }
    }

    private async Task ReleaseAsync(string key)
    {
        try
        {
            await using var db = factory.CreateDbContext();
            await db.Leases.Where(l => l.Key == key && l.Holder == Holder).ExecuteDeleteAsync();
        }
        catch (Exception e)
        {
            // The lease then simply runs out.
            logger.LogWarning(e, "Could not release lease {Key}", key);
        }
    }

    /// <summary>Renews the lease at a third of its life until stopped or taken over.</summary>
    private async Task RenewAsync(string key, TimeSpan ttl, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ttl / 3, time, stop);
                if (!await TryTakeAsync(key, ttl, stop))
                {
                    logger.LogWarning("Lease {Key} was taken over by another instance", key);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not renew lease {Key}", key);
        }
    }

    private sealed class Held(CancellationTokenSource stop, Task renewal, Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await renewal;
            stop.Dispose();
            await release();
        }
    }
}
