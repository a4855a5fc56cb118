using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Support;

/// <summary>
/// Identity's <see cref="UserManager{TUser}"/> over a <see cref="TestDatabase"/>, configured like the web host
/// (unique e-mail, 8-character passwords); <paramref name="configure"/> can tighten it further.
/// </summary>
public sealed class TestIdentity : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly AsyncServiceScope _scope;

    public TestIdentity(TestDatabase db, Action<IdentityOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddScoped(_ => db.Factory.CreateDbContext());
        services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                configure?.Invoke(options);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>();
        _services = services.BuildServiceProvider();
        _scope = _services.CreateAsyncScope();
        Users = _scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
    }

    public UserManager<AppUser> Users { get; }

    /// <summary>The scoped context Identity's stores use (sign-up commits tenant and owner through it).</summary>
    public AppDbContext Db => _scope.ServiceProvider.GetRequiredService<AppDbContext>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
    }
}
