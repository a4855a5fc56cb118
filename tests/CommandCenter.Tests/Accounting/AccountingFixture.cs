using CommandCenter.Accounting;
using CommandCenter.Clients;
using CommandCenter.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Accounting;

/// <summary>
/// A fake target at the interface (the real adapters have their own tests): it answers the customers and items set on
/// it, or throws what <see cref="Fail"/> holds.
/// </summary>
public sealed class FakeTarget : IAccountingTarget
{
    public List<ExternalCustomer> Customers { get; set; } = [];
    public List<ExternalItem> Items { get; set; } = [];
    public Exception? Fail { get; set; }
    public List<AccountingEndpoint> Calls { get; } = [];

    public Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => Answer(endpoint, 0);

    public async Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => await Answer(endpoint, Customers.ToList());

    public async Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => await Answer(endpoint, Items.ToList());

    public Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken) => throw new NotSupportedException();

    private Task<T> Answer<T>(AccountingEndpoint endpoint, T value)
    {
        Calls.Add(endpoint);
        return Fail is { } e ? Task.FromException<T>(e) : Task.FromResult(value);
    }
}

/// <summary>A tenant with clients and catalog items, the handlers over a real migrated SQLite database, and a fake Conductor target.</summary>
public sealed class AccountingFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private AccountingFixture(TestDatabase db, bool registerQbo)
    {
        Db = db;
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IAccountingTarget>(AccountingKind.Conductor, Target);
        if (registerQbo)
        {
            services.AddKeyedSingleton<IAccountingTarget>(AccountingKind.Qbo, Target);
        }

        _services = services.BuildServiceProvider();
        var protector = new AccountingCredentialProtector(new EphemeralDataProtectionProvider());
        Protector = protector;
        Connections = new AccountingConnections.Handler(db.TenantDb(), db.Audit, protector, new AccountingEndpoints(protector, db.Factory, db.Time), _services, db.Time);
        Mappings = new AccountingMappings.Handler(db.TenantDb(), db.Audit);
    }

    public TestDatabase Db { get; }
    public FakeTarget Target { get; } = new();
    public AccountingCredentialProtector Protector { get; }
    public AccountingConnections.Handler Connections { get; }
    public AccountingMappings.Handler Mappings { get; }
    public Dictionary<string, Guid> Clients { get; } = [];
    public Dictionary<string, Guid> Items { get; } = [];

    public static async Task<AccountingFixture> CreateAsync(bool registerQbo = false)
    {
        var f = new AccountingFixture(await TestDatabase.CreateAsync(), registerQbo);
        await using var ctx = f.Db.Open();
        foreach (var name in new[] { "Bluebird Insurance Agency", "Canyon Creek Design Studio", "Cedar Point Auto Group", "Orchard Brewing Co." })
        {
            var client = new Client { Name = name, CreatedUtc = f.Db.Time.GetUtcNow().UtcDateTime };
            ctx.Clients.Add(client);
            f.Clients[name] = client.Id;
        }

        var retired = new Client { Name = "Retired Client LLC", Status = ClientStatus.Inactive, CreatedUtc = f.Db.Time.GetUtcNow().UtcDateTime };
        ctx.Clients.Add(retired);
        f.Clients[retired.Name] = retired.Id;
        foreach (var name in new[] { "Managed Workstation", "Cloud Backup" })
        {
            var item = new CatalogItem { Name = name, UnitPrice = 45m, CreatedUtc = f.Db.Time.GetUtcNow().UtcDateTime };
            ctx.CatalogItems.Add(item);
            f.Items[name] = item.Id;
        }

        await ctx.SaveChangesAsync();
        return f;
    }

    public static AccountingConnections.Request Conductor(string? secretKey = "sk_test_123456789", string? endUserId = "end_usr_0000000001") =>
        new(AccountingKind.Conductor, "https://conductor.example.test/v1", TimeoutSeconds: 90, Credentials: new AccountingConnections.CredentialsInput(secretKey, endUserId));

    public static AccountingConnections.Request Iif(bool confirm = false) =>
        new(AccountingKind.Iif, Iif: new AccountingConnections.IifOptions("Accounts Receivable", "Services", "MM/dd/yyyy"), ConfirmKindChange: confirm);

    /// <summary>A saved Conductor connection with the QuickBooks customers and items of the demo's shape imported.</summary>
    public async Task ImportedAsync(CancellationToken ct)
    {
        Target.Customers =
        [
            new("80000001-1600000000", "Bluebird Insurance Agency"),
            new("80000002-1600000000", "Bluebird Insurance Agency (old)"),
            new("80000003-1600000000", "Canyon Creek Design Studio, Inc."),
            new("80000004-1600000000", "Cedar Pointe Auto Group"),
            new("80000005-1600000000", "Contoso Ltd"),
        ];
        Target.Items = [new("I-1", "Managed Workstation", Type: "Service", Price: 45m), new("I-2", "Misc charges", Type: "OtherCharge")];
        await Connections.SaveAsync(Conductor(), ct);
        await Connections.ImportAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
