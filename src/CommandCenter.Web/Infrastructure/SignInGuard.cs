using CommandCenter.Audit;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Infrastructure;

/// <summary>The outcome of a sign-in: signed in, wrong e-mail or password, or locked for <see cref="LockedMinutes"/>.</summary>
public sealed record SignInOutcome(bool Succeeded, int? LockedMinutes)
{
    public static readonly SignInOutcome Success = new(true, null);
    public static readonly SignInOutcome Failed = new(false, null);

    public static SignInOutcome Locked(int minutes) => new(false, minutes);
}

/// <summary>
/// Password sign-in with Identity's lockout (<see cref="LockoutOptions"/>: 5 failures lock the account for 5 minutes;
/// while locked even the right password is refused). A lockout is a security event: it is logged and audited in the
/// account's tenant. An e-mail that has no account gets the same answers after the same number of failures (counted in
/// memory) and costs the same password hash, so the page tells nobody which e-mails have accounts.
/// </summary>
internal sealed class SignInGuard(
    SignInManager<AppUser> signInManager,
    UnknownAccountAttempts unknownAccounts,
    IPasswordHasher<AppUser> hasher,
    IDbContextFactory<AppDbContext> dbs,
    AuditWriter audit,
    TimeProvider time,
    ILogger<SignInGuard> logger)
{
    public const string LockedOutAction = "user.locked-out";

    // A hash of a random password, verified for e-mails without an account so they take as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<AppUser>().HashPassword(new AppUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    public async Task<SignInOutcome> SignInAsync(string email, string password, bool rememberMe, string? remoteAddress, CancellationToken cancellationToken = default)
    {
        var users = signInManager.UserManager;
        var user = await users.FindByNameAsync(email);
        if (user is null)
        {
            return UnknownAccount(users.NormalizeName(email), password, remoteAddress);
        }

        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signInManager.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return SignInOutcome.Success;
        }

        if (!result.IsLockedOut)
        {
            return SignInOutcome.Failed;
        }

        var until = await users.GetLockoutEndDateAsync(user) ?? time.GetUtcNow().Add(signInManager.Options.Lockout.DefaultLockoutTimeSpan);
        if (!wasLocked)
        {
            await RecordLockoutAsync(user, until, remoteAddress, cancellationToken);
        }

        return SignInOutcome.Locked(MinutesLeft(until));
    }

    private SignInOutcome UnknownAccount(string normalizedEmail, string password, string? remoteAddress)
    {
        if (unknownAccounts.LockedUntil(normalizedEmail) is { } locked)
        {
            return SignInOutcome.Locked(MinutesLeft(locked));
        }

        hasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, password);
        if (unknownAccounts.Fail(normalizedEmail) is { } until)
        {
            logger.LogWarning("Sign-in for an e-mail without an account locked until {Until:u} after repeated failures from {RemoteAddress}.", until, remoteAddress);
            return SignInOutcome.Locked(MinutesLeft(until));
        }

        return SignInOutcome.Failed;
    }

    private async Task RecordLockoutAsync(AppUser user, DateTimeOffset until, string? remoteAddress, CancellationToken cancellationToken)
    {
        var attempts = signInManager.Options.Lockout.MaxFailedAccessAttempts;
        logger.LogWarning("User {UserId} of tenant {TenantId} locked out until {Until:u} after {Attempts} failed sign-ins from {RemoteAddress}.",
            user.Id, user.TenantId, until, attempts, remoteAddress);
        await using var db = (await dbs.CreateDbContextAsync(cancellationToken)).ForTenant(user.TenantId, "sign-in");
        audit.Record(db, LockedOutAction, nameof(AppUser), user.Id, null,
            new { user.Email, FailedAttempts = attempts, LockedUntilUtc = until.UtcDateTime, RemoteAddress = remoteAddress },
            $"{attempts} failed sign-ins in a row");
        await db.SaveChangesAsync(cancellationToken);
    }

    private int MinutesLeft(DateTimeOffset until) => Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalMinutes));
}

/// <summary>
/// Failed sign-ins of e-mails that have no account, kept in memory (bounded) with the same lockout rule as real
/// accounts. Per instance: behind a load balancer each instance counts its own.
/// </summary>
internal sealed class UnknownAccountAttempts(IOptions<IdentityOptions> identity, TimeProvider time) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public DateTimeOffset? LockedUntil(string normalizedEmail)
    {
        if (!_cache.TryGetValue(normalizedEmail, out Entry? entry) || entry is null)
        {
            return null;
        }

        lock (entry)
        {
            return entry.LockedUntil is { } until && until > time.GetUtcNow() ? until : null;
        }
    }

    /// <summary>Counts a failure; returns the end of the lockout when this failure starts one.</summary>
    public DateTimeOffset? Fail(string normalizedEmail)
    {
        var lockout = identity.Value.Lockout;
        var entry = _cache.GetOrCreate(normalizedEmail, e =>
        {
            e.Size = 1;
            e.SlidingExpiration = TimeSpan.FromDays(1);
            return new Entry();
        })!;
        lock (entry)
        {
            entry.Failures++;
            if (entry.Failures < lockout.MaxFailedAccessAttempts)
            {
                return null;
            }

            // As Identity does: the count starts again once the lockout is set.
            entry.Failures = 0;
            entry.LockedUntil = time.GetUtcNow().Add(lockout.DefaultLockoutTimeSpan);
            return entry.LockedUntil;
        }
    }

    public void Dispose() => _cache.Dispose();

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
