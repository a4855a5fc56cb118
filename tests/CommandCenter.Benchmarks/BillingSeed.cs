using System.Globalization;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Demo;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Benchmarks;

/// <param name="Clients">Active clients, each with an agreement.</param>
/// <param name="Lines">Recurring lines per agreement (the first 8 are vendor-bound, the rest manual).</param>
/// <param name="TimeEntries">Time entries on tickets across the clients, last month and this month.</param>
/// <param name="History">Older snapshot generations per (connection, organisation, metric) kept beside the newest.</param>
internal sealed record BillingSeedOptions(int Clients, int Lines, int TimeEntries, int History, int Seed = 5000);

internal sealed record BillingSeedResult(Guid TenantId, int Lines, int Organizations, int Snapshots, int Assets, int Tickets, int TimeEntries, int Blocks, int Charges, int PostedInvoices);

/// <summary>
/// Seeds a month-end-sized tenant through the real EF model (change detection off, batches, one transaction): a
/// catalog, clients with agreements of vendor-bound and manual lines, five vendor connections with a mapped organisation
/// per client and its newest snapshots (with evidence as the adapters store it), tickets with time, prepaid blocks,
/// one-off charges and credits, an Owner who can sign in, and last month posted — built by the billing engine, with a
/// realistic share of differences, so this month's run has a diff to show.
/// </summary>
internal static class BillingSeed
{
    public const string OwnerEmail = "owner@bench.local";
    public const string OwnerPassword = "Bench!Pass1";
    public const string TenantName = "Benchmark MSP";

    private const int Batch = 250;

    private static readonly string[] Technicians =
    [
        "alex.rivera", "sam.chen", "jordan.lee", "taylor.brooks", "casey.nguyen", "morgan.patel", "riley.johnson", "jamie.ortiz",
        "drew.kim", "avery.thompson", "quinn.walker", "reese.martin",
    ];

    private static readonly string[] Subjects =
    [
        "Printer offline in reception", "New starter laptop setup", "Outlook keeps asking for password", "VPN drops every hour",
        "Replace failing disk on file server", "MFA reset for user", "Shared mailbox permissions", "Wi-Fi slow in warehouse",
        "Install line-of-business app update", "Phishing email reported", "Backup job failed overnight", "Move user to new OneDrive",
        "Firewall firmware update", "Teams meeting room not joining", "Offboard leaving employee", "Scanner to email not working",
        "Server reboot after patching", "Add user to distribution list", "Replace UPS battery", "Migrate QuickBooks to new PC",
    ];

    /// <summary>Items beyond the generator's standard catalog that a 15-line agreement uses.</summary>
    private static readonly CatalogItemSpec[] ExtraItems =
    [
        new(Items.TeamsPhone, 10.00m, 8.00m, true),
        new(Items.BackupStorage, 10.00m, 4.00m, false),
        new(Items.AwarenessTraining, 3.00m, 1.50m, false),
        new(Items.DarkWebMonitoring, 50.00m, 15.00m, false),
        new(Items.DomainDns, 5.00m, 1.00m, false),
        new(Items.Vcio, 250.00m, 0.00m, false),
        new(Items.Hardware, 0.00m, 0.00m, true),
        new(Items.ProjectServices, 175.00m, 0.00m, false),
    ];

    private static class Items
    {
        public const string TeamsPhone = "Microsoft Teams Phone Standard";
        public const string BackupStorage = "Backup Storage (per 100 GB)";
        public const string AwarenessTraining = "Security Awareness Training";
        public const string DarkWebMonitoring = "Dark Web Monitoring";
        public const string DomainDns = "Domain & DNS Management";
        public const string Vcio = "vCIO Strategy (monthly)";
        public const string Hardware = "Hardware Resale";
        public const string ProjectServices = "Project Services";
    }

    private sealed record Pax8Product(string Name, string ProductId, string Sku, string VendorSkuId, decimal Price, decimal Cost);

    private static readonly Pax8Product[] PrimaryProducts =
    [
        new(DataGenerator.Items.M365BusinessBasic, "a4b1c7e0-0001-4d6e-9d2f-000000000001", "MST-365-BB-M", "3b555118-da6a-4418-894f-7df1e2096870", 6.00m, 6.00m),
        new(DataGenerator.Items.M365BusinessStandard, "a4b1c7e0-0001-4d6e-9d2f-000000000002", "MST-365-BS-M", "f245ecc8-75af-4f8e-b61f-27d8114de5f3", 12.50m, 12.50m),
        new(DataGenerator.Items.M365BusinessPremium, "a4b1c7e0-0001-4d6e-9d2f-000000000003", "MST-365-BP-M", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", 22.00m, 22.00m),
    ];

    private static readonly Pax8Product Exchange = new(DataGenerator.Items.ExchangeOnlinePlan1, "a4b1c7e0-0001-4d6e-9d2f-000000000004", "MST-EXO-P1-M", "4b9405b0-7788-4568-add1-99614e613b69", 4.00m, 4.00m);
    private static readonly Pax8Product Defender = new("Microsoft Defender for Business", "a4b1c7e0-0001-4d6e-9d2f-000000000005", "MST-MDB-M", "bfc1bbd9-981b-4f71-9b82-17c35fd0e2a4", 3.00m, 3.00m);

    /// <summary>Graph skuPartNumber of each primary product (Graph reports the part number; the app shows the friendly name).</summary>
    private static readonly Dictionary<string, (string Part, string SkuId)> GraphSkus = new(StringComparer.Ordinal)
    {
        [DataGenerator.Items.M365BusinessBasic] = ("O365_BUSINESS_ESSENTIALS", "3b555118-da6a-4418-894f-7df1e2096870"),
        [DataGenerator.Items.M365BusinessStandard] = ("O365_BUSINESS_PREMIUM", "f245ecc8-75af-4f8e-b61f-27d8114de5f3"),
        [DataGenerator.Items.M365BusinessPremium] = ("SPB", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"),
    };

    /// <summary>What one client's vendors report; the newest snapshots are built from it.</summary>
    private sealed class Evidence
    {
        public List<VendorAsset> Devices { get; } = [];
        public List<VendorAsset> Agents { get; } = [];
        public List<VendorAsset> Firewalls { get; } = [];
        public List<LicenceSubscription> Pax8 { get; } = [];
        public List<LicenceSubscription> Graph { get; } = [];
        public required Pax8Product Primary { get; init; }
    }

    public static async Task<BillingSeedResult> WriteAsync(IServiceProvider services, IDbContextFactory<AppDbContext> factory, BillingSeedOptions options, TimeProvider time, Action<string> log)
    {
        var rng = new Random(options.Seed);
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var current = BillingPeriod.Of(today);
        var previous = current.Previous;
        var agreementsFrom = current.Start.AddMonths(-12);

        var protector = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<CredentialProtector>(services);
        Guid tenantId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = TenantName, CreatedUtc = now.AddYears(-2) };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }

        // Protect before the transaction: the first protection writes the Data Protection key (its own context).
        var credentials = DemoVendors.Connections.Select(c => (c.Kind, c.Name, Protected: protector.Protect(c.Credentials), Hint: CredentialProtector.Hint(c.Kind, c.Credentials))).ToList();

        var specs = DataGenerator.Generate(options.Clients, options.Seed);
        int lineCount = 0, organizations = 0, snapshots = 0, assets = 0, tickets = 0, entries = 0, blocks = 0, charges = 0;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark-seed"))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync();

            // Catalog: the generator's standard items and the extra ones a 15-line agreement needs.
            var items = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
            foreach (var spec in DataGenerator.Catalog.Concat(ExtraItems))
            {
                var item = new CatalogItem { Name = spec.Name, UnitPrice = spec.UnitPrice, UnitCost = spec.UnitCost, Taxable = spec.Taxable, CreatedUtc = now, AccountingItemRef = "qb-" + items.Count.ToString(CultureInfo.InvariantCulture) };
                items[spec.Name] = item;
                db.CatalogItems.Add(item);
            }

            db.BillingSettings.Add(new BillingSettings { TimeItemId = items[DataGenerator.Items.Support].Id, BlockItemId = items[DataGenerator.Items.BlockHours].Id, UpdatedUtc = now });

            // Five connections that synced an hour ago and sync daily, pointed at a loopback port where nothing listens, so
            // an app started on this database never syncs during a measurement (a manual "Sync now" fails, harmlessly).
            var connections = new Dictionary<VendorKind, VendorConnection>();
            foreach (var c in credentials)
            {
                var connection = new VendorConnection
                {
                    Kind = c.Kind,
                    Name = c.Name,
                    BaseUrl = $"http://127.0.0.1:9/{VendorKinds.ToApi(c.Kind)}",
                    ProtectedCredentials = c.Protected,
                    CredentialHint = c.Hint,
                    ScheduleMinutes = 24 * 60,
                    CreatedUtc = now.AddYears(-1),
                    UpdatedUtc = now.AddYears(-1),
                    LastStatus = SyncStatus.Succeeded,
                    LastSyncStartedUtc = now.AddHours(-1),
                    LastSuccessUtc = now.AddHours(-1),
                    LastDurationMs = 60_000,
                    LastOrganizations = options.Clients,
                };
                connections[c.Kind] = connection;
                db.VendorConnections.Add(connection);
            }

            // One sync run per connection and generation: the newest an hour ago, older ones at the ends of past months.
            var generations = Enumerable.Range(0, options.History + 1)
                .Select(g => g == 0 ? now.AddHours(-1) : current.Start.AddMonths(1 - g).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddHours(-2))
                .ToList();
            var runs = new Dictionary<(VendorKind, int), Guid>();
            foreach (var (kind, connection) in connections)
            {
                for (var g = 0; g < generations.Count; g++)
                {
                    var run = new SyncRun
                    {
                        ConnectionId = connection.Id, Status = SyncStatus.Succeeded, Trigger = "schedule", StartedUtc = generations[g].AddMinutes(-1),
                        FinishedUtc = generations[g], Organizations = options.Clients,
                    };
                    runs[(kind, g)] = run.Id;
                    db.SyncRuns.Add(run);
                }
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();

            var ticketNumber = 100_000;
            var clientIds = new List<(Guid Id, ClientSpec Spec, bool Block)>(specs.Count);
            var orgId = 10_000;
            var ids = new IdCounter();
            for (var b = 0; b < specs.Count; b += Batch)
            {
                foreach (var spec in specs.Skip(b).Take(Batch))
                {
                    var index = clientIds.Count;
                    var client = new Client
                    {
                        Name = spec.Name, HourlyRate = spec.HourlyRate, Notes = spec.Notes, CreatedUtc = now.AddYears(-1),
                        AccountingCustomerRef = "cust-" + index.ToString("D5", CultureInfo.InvariantCulture),
                    };
                    db.Clients.Add(client);
                    var agreement = new Agreement { ClientId = client.Id };
                    // A few agreements round time differently from the tenant's settings.
                    if (rng.NextDouble() < 0.1)
                    {
                        agreement.TimeIncrementMinutes = 30;
                        agreement.TicketMinimumMinutes = 60;
                    }

                    db.Agreements.Add(agreement);
                    var prefix = Prefix(spec.Name, index);
                    var evidence = MakeEvidence(rng, spec, prefix, now, ids);
                    foreach (var line in MakeLines(rng, agreement.Id, spec, evidence, items, connections, options.Lines, agreementsFrom, current, now))
                    {
                        db.RecurringLines.Add(line);
                        lineCount++;
                    }

                    // One organisation per connection, mapped to the client, with its newest snapshot (and older generations).
                    foreach (var (kind, connection) in connections)
                    {
                        var external = (orgId++).ToString(CultureInfo.InvariantCulture);
                        db.VendorOrganizations.Add(new VendorOrganization
                        {
                            ConnectionId = connection.Id, ExternalId = external, Name = OrgName(kind, spec.Name), ClientId = client.Id,
                            MappedUtc = now.AddMonths(-11), MappedBy = OwnerEmail, FirstSeenUtc = now.AddYears(-1), LastSeenUtc = now.AddHours(-1),
                        });
                        organizations++;
                        for (var g = 0; g < generations.Count; g++)
                        {
                            var snapshot = Snapshot(kind, evidence, g > 0);
                            snapshot.ConnectionId = connection.Id;
                            snapshot.SyncRunId = runs[(kind, g)];
                            snapshot.OrganizationExternalId = external;
                            snapshot.TakenUtc = generations[g];
                            db.CountSnapshots.Add(snapshot);
                            snapshots++;
                            assets += snapshot.Assets.Count + snapshot.Licences.Count;
                        }
                    }

                    var block = spec.Plan == ServicePlan.BlockHours || rng.NextDouble() < 0.06;
                    if (block)
                    {
                        var hours = rng.NextDouble() < 0.7 ? 10m : 20m;
                        db.HourBlocks.Add(new HourBlock
                        {
                            ClientId = client.Id, Hours = hours, Price = hours == 10 ? 1250m : 2400m, PurchasedOn = previous.Start.AddDays(-rng.Next(10, 80)),
                            ExpiresOn = previous.Start.AddYears(1), OverageRate = spec.HourlyRate, CreatedUtc = now.AddMonths(-2),
                        });
                        blocks++;
                        if (rng.NextDouble() < 0.2)
                        {
                            // Topped up this month: the purchase bills once, on this month's invoice.
                            db.HourBlocks.Add(new HourBlock
                            {
                                ClientId = client.Id, Hours = 10, Price = 1250m, PurchasedOn = current.Start.AddDays(rng.Next(0, Math.Max(1, today.Day - 1))),
                                ExpiresOn = current.Start.AddYears(1), OverageRate = spec.HourlyRate, CreatedUtc = now.AddDays(-1),
                            });
                            blocks++;
                        }
                    }

                    clientIds.Add((client.Id, spec, block));
                }

                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }

            log(string.Create(CultureInfo.InvariantCulture, $"  clients, lines, organisations, snapshots written ({clientIds.Count:N0} clients)"));

            // Tickets and time: mostly closed, classed as the client's plan suggests, over last month and this month so far.
            var days = today.DayNumber - previous.Start.DayNumber + 1;
            var pendingEntries = 0;
            while (entries < options.TimeEntries)
            {
                var (clientId, spec, block) = clientIds[rng.Next(clientIds.Count)];
                var opened = previous.Start.AddDays(rng.Next(0, days));
                var open = opened >= today.AddDays(-5) ? rng.NextDouble() < 0.6 : rng.NextDouble() < 0.04;
                var roll = rng.NextDouble();
                BillingClass billingClass = block
                    ? roll switch { < 0.8 => BillingClass.BlockHour, < 0.9 => BillingClass.Included, _ => BillingClass.Billable }
                    : spec.Plan == ServicePlan.TimeAndMaterials
                        ? roll < 0.85 ? BillingClass.Billable : BillingClass.NonBillable
                        : roll switch { < 0.55 => BillingClass.Included, < 0.85 => BillingClass.Billable, < 0.9 => BillingClass.Project, _ => BillingClass.NonBillable };
                var technician = Technicians[rng.Next(Technicians.Length)];
                var ticket = new Ticket
                {
                    ClientId = clientId,
                    Number = ++ticketNumber,
                    Subject = Subjects[rng.Next(Subjects.Length)],
                    Technician = technician + "@bench.local",
                    Status = open ? TicketStatus.Open : TicketStatus.Closed,
                    OpenedUtc = opened.ToDateTime(new TimeOnly(8 + rng.Next(0, 9), rng.Next(0, 60)), DateTimeKind.Utc),
                    BillingClass = open ? null : billingClass,
                };
                if (!open)
                {
                    var closed = ticket.OpenedUtc.AddHours(rng.Next(1, 72));
                    ticket.ClosedUtc = closed < now ? closed : now.AddMinutes(-5);
                    ticket.ClosedBy = ticket.Technician;
                }

                db.Tickets.Add(ticket);
                tickets++;
                var count = Math.Min(options.TimeEntries - entries, rng.Next(1, 6));
                for (var e = 0; e < count; e++)
                {
                    var workDate = opened.AddDays(rng.Next(0, 3));
                    if (workDate > today)
                    {
                        workDate = today;
                    }

                    var entry = new TimeEntry
                    {
                        TicketId = ticket.Id,
                        Technician = ticket.Technician,
                        WorkDate = workDate,
                        Minutes = rng.NextDouble() < 0.15 ? rng.Next(1, 4) * 5 + 5 : rng.Next(1, 13) * 10 + (rng.NextDouble() < 0.3 ? 5 : 0),
                        Notes = e == 0 ? "Remote session; investigated and fixed." : "Follow-up and confirmation with the user.",
                        // Logged the evening of the work (time logged after a posted month bills late, in the next one).
                        CreatedUtc = Min(workDate.ToDateTime(new TimeOnly(17, 30), DateTimeKind.Utc), now),
                    };
                    if (!open && rng.NextDouble() < 0.03)
                    {
                        // A warranty visit on an otherwise billable ticket.
                        entry.BillingClass = BillingClass.NonBillable;
                        entry.OverrideReason = "Warranty repair";
                    }

                    db.TimeEntries.Add(entry);
                    entries++;
                    pendingEntries++;
                }

                if (pendingEntries >= 5_000)
                {
                    await db.SaveChangesAsync();
                    db.ChangeTracker.Clear();
                    pendingEntries = 0;
                }
            }

            // One-off charges and credits dated this month (about one client in 25).
            var chargeCount = Math.Max(1, options.Clients / 25);
            for (var i = 0; i < chargeCount; i++)
            {
                var (clientId, _, _) = clientIds[rng.Next(clientIds.Count)];
                var date = current.Start.AddDays(rng.Next(0, today.Day));
                var roll = rng.NextDouble();
                db.OneOffCharges.Add(roll switch
                {
                    < 0.45 => new OneOffCharge
                    {
                        ClientId = clientId, Date = date, Description = Pick(rng, ["Dell Latitude 5550 laptop", "24\" monitor", "Ubiquiti access point", "Replacement UPS battery", "USB-C dock"]),
                        CatalogItemId = items[Items.Hardware].Id, Quantity = rng.Next(1, 4), UnitPrice = Pick(rng, [189.00m, 249.00m, 1399.00m, 99.00m, 219.00m]), CreatedUtc = now,
                    },
                    < 0.75 => new OneOffCharge
                    {
                        ClientId = clientId, Date = date, Description = Pick(rng, ["Server migration project", "Office move: network cabling", "Firewall replacement project"]),
                        CatalogItemId = items[Items.ProjectServices].Id, Quantity = rng.Next(4, 25), UnitPrice = 175.00m, CreatedUtc = now,
                    },
                    _ => new OneOffCharge
                    {
                        ClientId = clientId, Date = date, Description = Pick(rng, ["Credit: cancelled licence", "Goodwill credit for outage", "Credit: returned hardware"]),
                        Quantity = 1, UnitPrice = -Pick(rng, [25.00m, 50.00m, 120.00m, 300.00m]), CreatedUtc = now,
                    },
                });
                charges++;
            }

            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        log(string.Create(CultureInfo.InvariantCulture, $"  {tickets:N0} tickets, {entries:N0} time entries, {blocks:N0} blocks, {charges:N0} charges written"));
        await CreateOwnerAsync(services, tenantId, now);
        var posted = await PostLastMonthAsync(factory, tenantId, previous, now, rng);
        log(string.Create(CultureInfo.InvariantCulture, $"  {previous} posted ({posted:N0} invoices)"));
        return new BillingSeedResult(tenantId, lineCount, organizations, snapshots, assets, tickets, entries, blocks, charges, posted);
    }

    /// <summary>
    /// New snapshots for about <paramref name="share"/> of the newest ones, as a sync that found changes would write:
    /// a device added or retired, an agent gone, a seat bought. Returns how many were written.
    /// </summary>
    public static async Task<int> ChangeSnapshotsAsync(IDbContextFactory<AppDbContext> factory, Guid tenantId, double share, DateTime now, int seed)
    {
        var rng = new Random(seed);
        await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark-sync");
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var heads = await SnapshotQueries.NewestAsync(db.CountSnapshots, CancellationToken.None);
        var picked = heads.Where(_ => rng.NextDouble() < share).Select(h => h.Id).ToList();
        var connections = heads.Select(h => h.ConnectionId).Distinct().ToList();
        var runs = new List<SyncRun>();
        foreach (var connectionId in connections)
        {
            runs.Add(new SyncRun { ConnectionId = connectionId, Status = SyncStatus.Succeeded, Trigger = "schedule", StartedUtc = now.AddSeconds(-30), FinishedUtc = now });
        }

        var runOf = runs.ToDictionary(r => r.ConnectionId, r => r.Id);
        // What the vendors returned is read and prepared first; the transaction then only writes, as the vendor sync's
        // does (it fetches before it opens its transaction): SQLite's write lock is held for the writes alone.
        var copies = new List<CountSnapshot>();
        var nextId = new IdCounter { Value = 9_000_000 };
        foreach (var chunk in picked.Chunk(500))
        {
            var ids = chunk.ToList();
            var originals = await db.CountSnapshots.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync();
            foreach (var s in originals)
            {
                var copy = new CountSnapshot
                {
                    ConnectionId = s.ConnectionId, SyncRunId = runOf[s.ConnectionId], OrganizationExternalId = s.OrganizationExternalId, Metric = s.Metric, TakenUtc = now,
                    Assets = [.. s.Assets.Select(Clone)], Licences = [.. s.Licences.Select(Clone)],
                };
                if (copy.Licences.Count > 0)
                {
                    var l = copy.Licences[rng.Next(copy.Licences.Count)];
                    l.Quantity += rng.Next(1, 4);
                }
                else if (copy.Assets.Count > 1 && rng.NextDouble() < 0.4)
                {
                    copy.Assets.RemoveAt(copy.Assets.Count - 1);
                }
                else if (copy.Assets.Count > 0)
                {
                    var template = copy.Assets[0];
                    var added = Clone(template);
                    added.ExternalId = nextId.Next();
                    added.Name = template.Name + "-NEW";
                    copy.Assets.Add(added);
                }

                copy.Count = copy.Licences.Count > 0 ? copy.Licences.Where(l => l.Counted).Sum(l => l.Quantity) : copy.Assets.Count(a => a.Counted);
                copies.Add(copy);
            }
        }

        await using var tx = await db.Database.BeginTransactionAsync();
        db.SyncRuns.AddRange(runs);
        var written = 0;
        foreach (var chunk in copies.Chunk(500))
        {
            db.CountSnapshots.AddRange(chunk);
            written += chunk.Length;
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        if (copies.Count == 0)
        {
            await db.SaveChangesAsync();
        }

        await tx.CommitAsync();
        return written;
    }

    private static async Task CreateOwnerAsync(IServiceProvider services, Guid tenantId, DateTime now)
    {
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(services);
        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<UserManager<AppUser>>(scope.ServiceProvider);
        var user = new AppUser { TenantId = tenantId, UserName = OwnerEmail, Email = OwnerEmail, EmailConfirmed = true, DisplayName = "Benchmark Owner", CreatedUtc = now };
        Check(await users.CreateAsync(user, OwnerPassword));
        Check(await users.AddToRoleAsync(user, Roles.Owner));

        static void Check(IdentityResult result)
        {
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Could not create the benchmark Owner: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            }
        }
    }

    /// <summary>Last month, built by the engine from last month's inputs (this month's with the differences below) and stored as posted.</summary>
    private static async Task<int> PostLastMonthAsync(IDbContextFactory<AppDbContext> factory, Guid tenantId, BillingPeriod period, DateTime now, Random rng)
    {
        await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark-seed");
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var inputs = await BillingInputs.LoadAsync(db, period, null, null, CancellationToken.None);
        var clients = inputs.Clients.Select(c => LastMonth(c, rng)).ToList();
        var drafts = BillingEngine.Build(period, clients, inputs.Settings, inputs.TimeItem, inputs.BlockItem, now);
        var settings = await db.BillingSettings.SingleAsync();
        // Posted a few days into this month, after last month's tickets had closed (none of its time bills late).
        var postedAt = Min(period.End.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc).AddDays(4), now.AddHours(-2));
        var run = new BillingRun { Period = period.Start, Status = RunStatus.Posted, CreatedUtc = postedAt, RefreshedUtc = postedAt, PostedUtc = postedAt, Version = 1 };
        db.BillingRuns.Add(run);
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        var posted = 0;
        foreach (var chunk in drafts.Where(d => d.Lines.Count > 0).Chunk(500))
        {
            foreach (var draft in chunk)
            {
                var invoice = Invoice.Posted(draft, BillingSettings.FormatNumber(settings.InvoicePrefix, settings.NextInvoiceNumber++), postedAt, OwnerEmail);
                invoice.RunId = run.Id;
                db.Invoices.Add(invoice);
                posted++;
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        db.BillingSettings.Attach(settings);
        db.Entry(settings).Property(s => s.NextInvoiceNumber).IsModified = true;
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return posted;
    }

    /// <summary>Last month's inputs: this month's, with the differences a month brings to about one client in six.</summary>
    private static ClientInput LastMonth(ClientInput client, Random rng)
    {
        var roll = rng.NextDouble();
        var lines = new List<LineInput>(client.Lines.Count);
        var repriced = false;
        foreach (var line in client.Lines)
        {
            var l = line;
            if (l.Source is { } source && l.Binding is { } binding)
            {
                if (binding.Metric == SourceMetrics.Workstations && roll < 0.06)
                {
                    // Two workstations are new this month.
                    var newest = source.Snapshots.SelectMany(s => s.Assets).Where(a => a.Counted && a.Class == AssetClasses.Workstation)
                        .OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).TakeLast(2).Select(a => a.ExternalId).ToHashSet(StringComparer.Ordinal);
                    l = l with { Source = source with { Snapshots = [.. source.Snapshots.Select(s => s with { Assets = [.. s.Assets.Where(a => !newest.Contains(a.ExternalId))] })] } };
                }
                else if (binding.Metric == SourceMetrics.Workstations && roll < 0.09 && source.Snapshots.Count > 0)
                {
                    // A workstation billed last month has been retired since.
                    var first = source.Snapshots[0];
                    var template = first.Assets.FirstOrDefault(a => a.Class == AssetClasses.Workstation);
                    if (template is not null)
                    {
                        var retired = Clone(template);
                        retired.ExternalId = "retired-" + client.ClientId.ToString("N");
                        retired.Name = template.Name.Split('-')[0] + DemoBilling.RetiredDeviceSuffix;
                        l = l with { Source = source with { Snapshots = [first with { Assets = [.. first.Assets, retired] }, .. source.Snapshots.Skip(1)] } };
                    }
                }
                else if (binding.Metric == SourceMetrics.Licences && roll is >= 0.09 and < 0.13)
                {
                    // Two seats were cancelled at renewal.
                    l = l with { Source = source with { Snapshots = [.. source.Snapshots.Select(s => s with { Licences = [.. s.Licences.Select(x => { var c = Clone(x); c.Quantity += x.Counted ? 2 : 0; return c; })] })] } };
                }
                else if (binding.Metric == SourceMetrics.Agents && source.Snapshots.All(s => s.Assets.Count == 0) && source.Snapshots.Count > 0)
                {
                    // The EDR agents were there last month; now the vendor reports none (held as a probable sync problem).
                    var computers = client.Lines.Where(x => x.Binding is { Metric: SourceMetrics.Workstations or SourceMetrics.Servers } && x.Source is not null)
                        .SelectMany(x => x.Source!.Snapshots.SelectMany(s => s.Assets)).Where(a => a.Counted && a.Class is AssetClasses.Workstation or AssetClasses.Server)
                        .DistinctBy(a => a.ExternalId).Select(a => new VendorAsset { ExternalId = "agent-" + a.ExternalId, Name = a.Name, Class = a.Class, VendorClass = "windows", Status = "online", Counted = true })
                        .ToList();
                    l = l with { Source = source with { Snapshots = [source.Snapshots[0] with { Assets = computers }] } };
                }
            }
            else if (!l.VendorSourced && !repriced && roll is >= 0.13 and < 0.15 && l.UnitPrice > 10)
            {
                // The price went up this month; last month billed the old price.
                l = l with { UnitPriceOverride = l.UnitPrice - 5 };
                repriced = true;
            }

            lines.Add(l);
        }

        return client with { Lines = lines, Adjustments = [] };
    }

    private static Evidence MakeEvidence(Random rng, ClientSpec spec, string prefix, DateTime now, IdCounter ids)
    {
        var total = spec.Size switch { ClientSize.SmallOffice => rng.Next(20, 31), ClientSize.Mid => rng.Next(30, 46), _ => rng.Next(45, 61) };
        var servers = spec.Size switch { ClientSize.SmallOffice => rng.Next(1, 3), ClientSize.Mid => rng.Next(2, 5), _ => rng.Next(3, 7) };
        var network = rng.Next(2, 7);
        var virtualMachines = spec.Size == ClientSize.Large ? rng.Next(0, 4) : 0;
        var mobile = rng.Next(0, 3);
        var workstations = total - servers - network - virtualMachines - mobile;
        var evidence = new Evidence { Primary = PrimaryProducts[spec.Size == ClientSize.SmallOffice ? rng.Next(0, 3) : rng.Next(1, 3)] };

        VendorAsset Device(string name, string vendorClass, string os, bool approved)
        {
            var asset = new VendorAsset
            {
                ExternalId = ids.Next(),
                Name = name,
                Class = AssetClasses.FromNinjaNodeClass(vendorClass),
                VendorClass = vendorClass,
                Status = approved ? "APPROVED" : "PENDING",
                Counted = approved,
                Online = rng.NextDouble() < 0.9,
                LastSeenUtc = now.AddMinutes(-rng.Next(5, 60 * 24 * 5)),
                OperatingSystem = os,
                Serial = "SN" + rng.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
            };
            evidence.Devices.Add(asset);
            return asset;
        }

        for (var i = 1; i <= workstations; i++)
        {
            var mac = rng.NextDouble() < 0.12;
            // A new machine is sometimes still waiting for approval (returned, not counted).
            Device(Name(prefix, mac ? "MAC" : "WS", i), mac ? "MAC" : "WINDOWS_WORKSTATION", mac ? "macOS 15" : "Windows 11 Pro", approved: rng.NextDouble() > 0.03);
        }

        for (var i = 1; i <= servers; i++)
        {
            Device(Name(prefix, "SRV", i), rng.NextDouble() < 0.85 ? "WINDOWS_SERVER" : "LINUX_SERVER", "Windows Server 2022 Standard", approved: true);
        }

        for (var i = 1; i <= network; i++)
        {
            Device(Name(prefix, i % 2 == 0 ? "AP" : "SW", i), i % 2 == 0 ? "NMS_WAP" : "NMS_SWITCH", "", approved: true);
        }

        for (var i = 1; i <= virtualMachines; i++)
        {
            Device(Name(prefix, "VM", i), "VMWARE_VM_GUEST", "Windows Server 2022 Standard", approved: true);
        }

        for (var i = 1; i <= mobile; i++)
        {
            Device(Name(prefix, "IPAD", i), "APPLE_IPADOS", "iPadOS 18", approved: true);
        }

        // Huntress: an agent on every managed computer (the odd one not reached yet); one client in 200 reports none.
        if (rng.NextDouble() >= 0.005)
        {
            var missing = rng.NextDouble() < 0.2 ? rng.Next(1, 3) : 0;
            foreach (var d in evidence.Devices.Where(d => d.Counted && d.Class is AssetClasses.Workstation or AssetClasses.Server).Skip(missing))
            {
                evidence.Agents.Add(new VendorAsset
                {
                    ExternalId = "hu-" + d.ExternalId,
                    Name = d.Name.ToLowerInvariant(),
                    Class = d.Class,
                    VendorClass = d.VendorClass == "MAC" ? "darwin" : d.VendorClass == "LINUX_SERVER" ? "linux" : "windows",
                    Status = d.Online == true ? "online" : "offline",
                    Counted = true,
                    Online = d.Online,
                    LastSeenUtc = d.LastSeenUtc,
                    OperatingSystem = d.OperatingSystem,
                });
            }
        }

        var firewalls = spec.Size switch { ClientSize.Large => rng.Next(1, 4), ClientSize.Mid => rng.Next(1, 3), _ => 1 };
        for (var i = 1; i <= firewalls; i++)
        {
            evidence.Firewalls.Add(new VendorAsset
            {
                ExternalId = "fw-" + ids.Next(),
                Name = Name(prefix, "FW", i),
                Class = AssetClasses.Firewall,
                VendorClass = spec.Size == ClientSize.Large ? "NSa 2700" : "TZ370",
                Status = "Managed",
                Counted = true,
                Online = true,
                Serial = "2CB8ED" + rng.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture),
            });
        }

        var seats = Math.Max(1, (int)Math.Round(workstations * (0.9 + (rng.NextDouble() * 0.3))));
        var exchange = rng.Next(1, 7);
        var start = DateOnly.FromDateTime(now).AddMonths(-rng.Next(1, 11));
        evidence.Pax8.Add(Subscription(evidence.Primary, seats, "Active", start));
        evidence.Pax8.Add(Subscription(Exchange, exchange, "Active", start));
        if (rng.NextDouble() < 0.3)
        {
            evidence.Pax8.Add(Subscription(Defender, seats, "Active", start));
        }

        if (rng.NextDouble() < 0.15)
        {
            // A subscription cancelled at its last renewal is still returned; it does not count.
            evidence.Pax8.Add(Subscription(evidence.Primary, rng.Next(1, 4), "Cancelled", start.AddYears(-1)));
        }

        var (part, skuId) = GraphSkus[evidence.Primary.Name];
        evidence.Graph.Add(Sku(skuId, part, seats, seats - rng.Next(0, 3)));
        evidence.Graph.Add(Sku("4b9405b0-7788-4568-add1-99614e613b69", "EXCHANGESTANDARD", exchange, exchange));
        var phones = rng.Next(2, 11);
        evidence.Graph.Add(Sku("e43b5b99-8dfb-405f-9987-dc307f34bcbd", "MCOEV", phones + rng.Next(0, 3), phones));
        evidence.Graph.Add(Sku("f30db892-07e9-47e9-837c-80727f46fd3d", "FLOW_FREE", 10_000, rng.Next(1, 8)));
        return evidence;

        LicenceSubscription Subscription(Pax8Product product, decimal quantity, string status, DateOnly started) => new()
        {
            ExternalId = "sub-" + ids.Next(),
            ProductId = product.ProductId,
            ProductName = product.Name,
            Sku = product.Sku,
            VendorSkuId = product.VendorSkuId,
            Quantity = quantity,
            Status = status,
            Counted = status == "Active",
            BillingTerm = "Monthly",
            CommitmentTerm = "1-Year",
            StartDate = started,
            RenewalDate = started.AddYears(1),
            UnitPrice = product.Price,
            UnitCost = product.Cost,
            Currency = "USD",
        };

        LicenceSubscription Sku(string id, string partNumber, decimal enabled, decimal consumed) => new()
        {
            ExternalId = id,
            ProductId = id,
            ProductName = partNumber,
            Sku = partNumber,
            VendorSkuId = id,
            Quantity = enabled,
            Assigned = consumed,
            Status = "Enabled",
            Counted = !MicrosoftSkus.IsFree(partNumber),
        };
    }

    private static CountSnapshot Snapshot(VendorKind kind, Evidence evidence, bool copy)
    {
        // EF tracks each evidence item as an owned entity: an older generation gets its own instances.
        List<VendorAsset> Assets(List<VendorAsset> list) => copy ? [.. list.Select(Clone)] : list;
        List<LicenceSubscription> Licences(List<LicenceSubscription> list) => copy ? [.. list.Select(Clone)] : list;
        var snapshot = kind switch
        {
            VendorKind.NinjaOne => new CountSnapshot { OrganizationExternalId = "", Metric = Metrics.Devices, Assets = Assets(evidence.Devices) },
            VendorKind.Huntress => new CountSnapshot { OrganizationExternalId = "", Metric = Metrics.Agents, Assets = Assets(evidence.Agents) },
            VendorKind.SonicWall => new CountSnapshot { OrganizationExternalId = "", Metric = Metrics.Firewalls, Assets = Assets(evidence.Firewalls) },
            VendorKind.Pax8 => new CountSnapshot { OrganizationExternalId = "", Metric = Metrics.Licences, Licences = Licences(evidence.Pax8) },
            _ => new CountSnapshot { OrganizationExternalId = "", Metric = Metrics.Licences, Licences = Licences(evidence.Graph) },
        };
        snapshot.Count = snapshot.Licences.Count > 0 ? snapshot.Licences.Where(l => l.Counted).Sum(l => l.Quantity) : snapshot.Assets.Count(a => a.Counted);
        return snapshot;
    }

    /// <summary>
    /// The agreement: 8 vendor-bound lines (NinjaOne workstations, servers and network devices; Huntress agents; SonicWall
    /// firewalls; two Pax8 products; Teams Phone assigned in Microsoft 365) and manual ones; some with minimums or included
    /// units or a legacy price, a few starting or ending this month (prorated).
    /// </summary>
    private static IEnumerable<RecurringLine> MakeLines(Random rng, Guid agreementId, ClientSpec spec, Evidence evidence, Dictionary<string, CatalogItem> items,
        Dictionary<VendorKind, VendorConnection> connections, int count, DateOnly from, BillingPeriod current, DateTime now)
    {
        var servers = evidence.Devices.Count(d => d.Class == AssetClasses.Server);
        var seats = evidence.Pax8[0].Quantity;
        var arrangement = rng.NextDouble();
        var templates = new List<RecurringLine>
        {
            Vendor(DataGenerator.Items.ManagedWorkstation, VendorKind.NinjaOne, SourceMetrics.Workstations,
                minimum: arrangement < 0.15 ? spec.Size switch { ClientSize.SmallOffice => 15m, ClientSize.Mid => 25m, _ => 40m } : 0m,
                included: arrangement is >= 0.15 and < 0.25 ? rng.Next(1, 4) : 0m,
                price: rng.NextDouble() < 0.12 ? Pick(rng, [40.00m, 42.50m, 49.00m]) : null),
            Vendor(DataGenerator.Items.ManagedServer, VendorKind.NinjaOne, SourceMetrics.Servers, price: rng.NextDouble() < 0.08 ? 125.00m : null),
            Vendor(DataGenerator.Items.NetworkDeviceManagement, VendorKind.NinjaOne, SourceMetrics.Devices, classes: AssetClasses.Network),
            Vendor(DataGenerator.Items.HuntressEdr, VendorKind.Huntress, SourceMetrics.Agents),
            Vendor(DataGenerator.Items.FirewallManagement, VendorKind.SonicWall, SourceMetrics.Firewalls),
            Vendor(evidence.Primary.Name, VendorKind.Pax8, SourceMetrics.Licences, product: evidence.Primary.Name),
            Vendor(DataGenerator.Items.ExchangeOnlinePlan1, VendorKind.Pax8, SourceMetrics.Licences, product: DataGenerator.Items.ExchangeOnlinePlan1),
            Vendor(Items.TeamsPhone, VendorKind.Graph, SourceMetrics.Licences, product: "MCOEV", basis: VendorBinding.Assigned),
            Manual(DataGenerator.Items.EmailSecurity, seats),
            Manual(DataGenerator.Items.CloudBackup, servers),
            Manual(Items.BackupStorage, rng.Next(5, 40), included: 5),
            Manual(Items.AwarenessTraining, seats, minimum: 10),
            Manual(Items.DarkWebMonitoring, 1),
            Manual(Items.DomainDns, rng.Next(1, 6)),
            Manual(Items.Vcio, 1, price: spec.Size == ClientSize.Large ? 500.00m : null),
        };
        for (var extra = templates.Count; extra < count; extra++)
        {
            templates.Add(Manual(DataGenerator.Items.Support, 1, description: "Additional service " + (extra + 1).ToString(CultureInfo.InvariantCulture)));
        }

        var lines = templates.Take(count).ToList();
        var prorate = rng.NextDouble();
        if (prorate < 0.03 && lines.Count > 10)
        {
            // Backup storage added in the middle of this month: new and prorated.
            lines[10].EffectiveFrom = current.Start.AddDays(rng.Next(5, 20));
        }
        else if (prorate < 0.04 && lines.Count > 12)
        {
            // Dark web monitoring cancelled: it ends in the middle of this month.
            lines[12].EffectiveTo = current.Start.AddDays(rng.Next(5, 20));
        }

        return lines;

        RecurringLine Vendor(string item, VendorKind kind, string metric, decimal minimum = 0, decimal included = 0, decimal? price = null, string? classes = null, string? product = null, string? basis = null) => new()
        {
            AgreementId = agreementId,
            CatalogItemId = items[item].Id,
            SourceKind = QuantitySourceKind.Vendor,
            SourceConnectionId = connections[kind].Id,
            SourceMetric = metric,
            SourceClasses = classes,
            SourceProduct = product,
            SourceBasis = metric == SourceMetrics.Licences ? basis ?? VendorBinding.Purchased : null,
            Minimum = minimum,
            IncludedUnits = included,
            UnitPriceOverride = price,
            EffectiveFrom = from,
            CreatedUtc = now.AddYears(-1),
        };

        RecurringLine Manual(string item, decimal quantity, decimal minimum = 0, decimal included = 0, decimal? price = null, string? description = null) => new()
        {
            AgreementId = agreementId,
            CatalogItemId = items[item].Id,
            Description = description,
            Quantity = quantity,
            Minimum = minimum,
            IncludedUnits = included,
            UnitPriceOverride = price,
            EffectiveFrom = from,
            CreatedUtc = now.AddYears(-1),
        };
    }

    private static string OrgName(VendorKind kind, string client) => kind switch
    {
        VendorKind.NinjaOne => client,
        VendorKind.Pax8 => client + " LLC",
        VendorKind.Huntress => client.ToUpperInvariant(),
        VendorKind.SonicWall => client + " - Main Office",
        _ => client + " (M365)",
    };

    /// <summary>Initials and the client's index: "HDG0421".</summary>
    private static string Prefix(string name, int index) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => char.IsLetter(w[0])).Take(3).Select(w => char.ToUpperInvariant(w[0])))
        + index.ToString("D4", CultureInfo.InvariantCulture);

    private static string Name(string prefix, string kind, int i) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{kind}-{i:D3}");

    private static T Pick<T>(Random rng, T[] values) => values[rng.Next(values.Length)];

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private sealed class IdCounter
    {
        public int Value { get; set; } = 1_000_000;

        public string Next() => (Value++).ToString(CultureInfo.InvariantCulture);
    }

    private static VendorAsset Clone(VendorAsset a) => new()
    {
        ExternalId = a.ExternalId, Name = a.Name, Class = a.Class, VendorClass = a.VendorClass, Status = a.Status, Counted = a.Counted,
        Online = a.Online, LastSeenUtc = a.LastSeenUtc, OperatingSystem = a.OperatingSystem, Serial = a.Serial,
    };

    private static LicenceSubscription Clone(LicenceSubscription x) => new()
    {
        ExternalId = x.ExternalId, ProductId = x.ProductId, ProductName = x.ProductName, Sku = x.Sku, VendorSkuId = x.VendorSkuId, Quantity = x.Quantity,
        Assigned = x.Assigned, Warning = x.Warning, Status = x.Status, Counted = x.Counted, BillingTerm = x.BillingTerm, CommitmentTerm = x.CommitmentTerm,
        StartDate = x.StartDate, RenewalDate = x.RenewalDate, UnitPrice = x.UnitPrice, UnitCost = x.UnitCost, Currency = x.Currency,
    };
}
