using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CommandCenter.Simulators.Infrastructure;

internal sealed class IssuedToken(string vendor, string subject, DateTimeOffset expiresAt, TimeSpan? idleTimeout, DateTimeOffset issuedAt)
{
    public string Vendor { get; } = vendor;

    /// <summary>What the token is bound to: a tenant id, a SonicWall tenant, or the client id.</summary>
    public string Subject { get; } = subject;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public TimeSpan? IdleTimeout { get; } = idleTimeout;

    private long _lastUsedTicks = issuedAt.UtcTicks;
    private volatile bool _revoked;

    /// <summary>Read and written by concurrent requests; kept as ticks so a read is never torn.</summary>
    public DateTimeOffset LastUsed
    {
        get => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _lastUsedTicks, value.UtcTicks);
    }

    public bool Revoked
    {
        get => _revoked;
        set => _revoked = value;
    }
}

internal enum TokenCheck
{
    Valid = 0,
    Missing = 1,
    Unknown = 2,
    Expired = 3,
}

/// <summary>Bearer tokens (and SonicWall access codes) issued by the simulated vendors; opaque random strings.</summary>
internal sealed class SimulatorTokens(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);

    public string Issue(string vendor, string subject, TimeSpan lifetime, TimeSpan? idleTimeout = null, string prefix = "")
    {
        var now = time.GetUtcNow();
        var token = prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[token] = new IssuedToken(vendor, subject, now + lifetime, idleTimeout, now);
        return token;
    }

    public (TokenCheck Check, IssuedToken? Token) Check(string vendor, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (TokenCheck.Missing, null);
        }

        if (!_tokens.TryGetValue(token, out var issued) || issued.Vendor != vendor)
        {
            return (TokenCheck.Unknown, null);
        }

        var now = time.GetUtcNow();
        if (issued.Revoked || now >= issued.ExpiresAt || (issued.IdleTimeout is { } idle && now - issued.LastUsed > idle))
        {
            return (TokenCheck.Expired, issued);
        }

        issued.LastUsed = now;
        return (TokenCheck.Valid, issued);
    }

    /// <summary>Single use (SonicWall access codes): valid once, then gone.</summary>
    public IssuedToken? Redeem(string vendor, string? token)
    {
        var (check, issued) = Check(vendor, token);
        if (check != TokenCheck.Valid)
        {
            return null;
        }

        _tokens.TryRemove(token!, out _);
        return issued;
    }

    public void Revoke(string? token)
    {
        if (token is not null && _tokens.TryGetValue(token, out var issued))
        {
            issued.Revoked = true;
        }
    }

    public static string? Bearer(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
