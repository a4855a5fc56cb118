using System.Globalization;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Demo;

/// <summary>How big a client is; drives its device counts and plan mix.</summary>
public enum ClientSize
{
    SmallOffice = 0,
    Mid = 1,
    Large = 2,
}

/// <summary>How a client buys: a managed agreement, a prepaid monthly block of hours, or time and materials only.</summary>
public enum ServicePlan
{
    Managed = 0,
    BlockHours = 1,
    TimeAndMaterials = 2,
}

public sealed record CatalogItemSpec(string Name, decimal UnitPrice, decimal UnitCost, bool Taxable);

/// <summary>A recurring line of a generated client, naming its catalog item.</summary>
public sealed record LineSpec(string ItemName, decimal Quantity, decimal IncludedUnits = 0, decimal Minimum = 0, decimal? UnitPriceOverride = null);

public sealed record ClientSpec(string Name, ClientSize Size, ServicePlan Plan, decimal HourlyRate, string? Notes, IReadOnlyList<LineSpec> Lines)
{
    /// <summary>The summed quantity of the lines of one item (0 when the client has none).</summary>
    public decimal QuantityOf(string itemName) => Lines.Where(l => l.ItemName == itemName).Sum(l => l.Quantity);
}

public sealed record GeneratorWriteResult(int CatalogItems, int Clients, int Lines);

/// <summary>
/// A deterministic book of business of a typical MSP (same seed → same clients), for the demo seed, tests and benchmarks.
/// Uses a seeded <see cref="Random"/>, whose sequence is stable for a given seed across runs and machines.
/// </summary>
public static class DataGenerator
{
    /// <summary>Catalog item names, for code that looks lines up.</summary>
    public static class Items
    {
        public const string ManagedWorkstation = "Managed Workstation";
        public const string ManagedServer = "Managed Server";
        public const string M365BusinessBasic = "Microsoft 365 Business Basic";
        public const string M365BusinessStandard = "Microsoft 365 Business Standard";
        public const string M365BusinessPremium = "Microsoft 365 Business Premium";
        public const string ExchangeOnlinePlan1 = "Exchange Online (Plan 1)";
        public const string HuntressEdr = "Huntress Managed EDR";
        public const string EmailSecurity = "Email Security (per mailbox)";
        public const string FirewallManagement = "Firewall Management";
        public const string CloudBackup = "Cloud Backup (per server)";
        public const string NetworkDeviceManagement = "Network Device Management";
        public const string BlockHours = "Block Hours (10 h)";
        public const string Support = "Onsite/Remote Support (hourly)";

        public static readonly IReadOnlyList<string> Microsoft365 = [M365BusinessBasic, M365BusinessStandard, M365BusinessPremium, ExchangeOnlinePlan1];
    }

    /// <summary>
    /// A standard MSP catalog. Resold licences are taxable (as in most US states); managed services and labour are not.
    /// Licence prices are Microsoft's monthly-commitment list prices with the usual margin over the distributor cost.
    /// </summary>
    public static readonly IReadOnlyList<CatalogItemSpec> Catalog =
    [
        new(Items.ManagedWorkstation, 45.00m, 12.00m, false),
        new(Items.ManagedServer, 150.00m, 40.00m, false),
        new(Items.M365BusinessBasic, 7.20m, 6.00m, true),
        new(Items.M365BusinessStandard, 15.00m, 12.50m, true),
        new(Items.M365BusinessPremium, 26.40m, 22.00m, true),
        new(Items.ExchangeOnlinePlan1, 4.80m, 4.00m, true),
        new(Items.HuntressEdr, 6.00m, 3.00m, false),
        new(Items.EmailSecurity, 3.00m, 1.25m, false),
        new(Items.FirewallManagement, 50.00m, 10.00m, false),
        new(Items.CloudBackup, 35.00m, 12.00m, false),
        new(Items.NetworkDeviceManagement, 15.00m, 3.00m, false),
        new(Items.BlockHours, 1250.00m, 0.00m, false),
        new(Items.Support, 150.00m, 0.00m, false),
    ];

    private static readonly string[] NameStems =
    [
        "Harbor", "Pinecrest", "Summit Ridge", "Riverside", "Oak Valley", "Cedar Point", "Maple Grove", "Lakeshore",
        "Bayview", "Blue Heron", "Granite", "Ironwood", "Silver Creek", "Willow Bend", "Eagle Rock", "Foxhall",
        "Highland", "Prairie", "Redwood", "Stonebridge", "Sunrise", "Coastal", "Meadowbrook", "Northgate",
        "Westfield", "Brookside", "Clearwater", "Copper Canyon", "Evergreen", "Fairview", "Hillcrest", "Juniper",
        "Keystone", "Lighthouse", "Magnolia", "Oakmont", "Parkside", "Quarry Hill", "Ridgeline", "Sandstone",
        "Timberline", "Whitewater", "Aspen", "Birchwood", "Canyon Creek", "Driftwood", "Falcon", "Glacier",
        "Heritage", "Liberty", "Northstar", "Orchard", "Pioneer", "Sequoia", "Tidewater", "Windward",
        "Bluebird", "Crescent", "Dogwood", "Hawthorne", "Larkspur", "Mesa", "Old Mill", "Rosewood",
        "Seaside", "Thornbury", "Beacon", "Chestnut Hill", "Greenfield", "Kingsley",
    ];

    private static readonly string[] Trades =
    [
        "Dental Group", "Family Law", "Logistics", "Accounting", "CPA Group", "Veterinary Clinic", "Realty",
        "Construction", "Insurance Agency", "Physical Therapy", "Architects", "Engineering", "Manufacturing",
        "Credit Union", "Pediatrics", "Orthodontics", "Wealth Management", "Property Management", "Landscaping",
        "Heating & Air", "Auto Group", "Title Company", "Chiropractic", "Eye Care", "Dermatology", "Family Medicine",
        "Home Health", "Senior Living", "Montessori School", "Community Church", "Foundation", "Brewing Company",
        "Marine Supply", "Fabrication", "Plumbing", "Electric", "Roofing", "Builders", "Staffing", "Consulting",
        "Financial Advisors", "Mortgage", "Legal Group", "Law Offices", "Animal Hospital", "Pharmacy", "Printing",
        "Distributors", "Freight", "Machine Works", "Tool & Die", "Design Studio", "Marketing", "Medical Imaging",
        "Surgical Associates", "Counseling Center", "Dental Lab", "Cabinetry", "Hospitality Group", "Outfitters",
    ];

    private static readonly string[] Cities =
    [
        "Boise", "Tacoma", "Spokane", "Eugene", "Reno", "Fresno", "Tucson", "Albuquerque", "El Paso", "Amarillo",
        "Wichita", "Tulsa", "Omaha", "Des Moines", "Madison", "Duluth", "Peoria", "Dayton", "Toledo", "Akron",
        "Erie", "Scranton", "Allentown", "Hartford", "Providence", "Portland", "Burlington", "Albany", "Syracuse",
        "Richmond", "Raleigh", "Asheville", "Charleston", "Savannah", "Chattanooga", "Knoxville", "Lexington",
        "Mobile", "Baton Rouge", "Pensacola",
    ];

    private static readonly string[] GeneralNotes =
    [
        "Invoices go to accounts payable; the office manager approves.",
        "Net 15 payment terms agreed at renewal.",
        "After-hours support billed at 1.5x the hourly rate.",
        "Prefers onsite visits on Tuesdays.",
        "Owner approves any project over $2,500.",
    ];

    private static readonly HashSet<string> HealthcareTrades =
    [
        "Dental Group", "Physical Therapy", "Pediatrics", "Orthodontics", "Chiropractic", "Eye Care", "Dermatology",
        "Family Medicine", "Home Health", "Senior Living", "Pharmacy", "Medical Imaging", "Surgical Associates",
        "Counseling Center", "Dental Lab",
    ];

    /// <summary>Generates <paramref name="clientCount"/> clients with unique names; the same seed always gives the same clients.</summary>
    public static IReadOnlyList<ClientSpec> Generate(int clientCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clientCount);
        var rng = new Random(seed);
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var clients = new List<ClientSpec>(clientCount);
        for (var i = 0; i < clientCount; i++)
        {
            clients.Add(NextClient(rng, taken));
        }

        return clients;
    }

    private static ClientSpec NextClient(Random rng, HashSet<string> taken)
    {
        var (name, trade) = NextName(rng, taken);
        var sizeRoll = rng.NextDouble();
        var size = sizeRoll < 0.55 ? ClientSize.SmallOffice : sizeRoll < 0.88 ? ClientSize.Mid : ClientSize.Large;
        var planRoll = rng.NextDouble();
        var plan = size switch
        {
            ClientSize.SmallOffice when planRoll < 0.12 => ServicePlan.TimeAndMaterials,
            ClientSize.SmallOffice when planRoll < 0.22 => ServicePlan.BlockHours,
            ClientSize.Mid when planRoll < 0.06 => ServicePlan.BlockHours,
            _ => ServicePlan.Managed,
        };
        var hourlyRate = 125m + (5m * rng.Next(0, 13));

        var workstations = size switch
        {
            ClientSize.SmallOffice => rng.Next(3, 16),
            ClientSize.Mid => rng.Next(16, 41),
            _ => rng.Next(41, 81),
        };
        var servers = size switch
        {
            ClientSize.SmallOffice => rng.NextDouble() < 0.6 ? 0 : rng.Next(1, 3),
            ClientSize.Mid => rng.Next(1, 4),
            _ => rng.Next(2, 7),
        };

        var lines = plan switch
        {
            ServicePlan.Managed => ManagedLines(rng, size, workstations, servers),
            ServicePlan.BlockHours => [new LineSpec(Items.BlockHours, 1)],
            _ => [],
        };
        var notes = rng.NextDouble() < 0.3 ? Pick(rng, NoteCandidates(plan, trade, lines)) : null;
        return new ClientSpec(name, size, plan, hourlyRate, notes, lines);
    }

    /// <summary>Notes that fit the client: no HIPAA note for a plumber, no licence renewal for a client without licences.</summary>
    private static string[] NoteCandidates(ServicePlan plan, string trade, List<LineSpec> lines)
    {
        var notes = new List<string>(GeneralNotes);
        if (HealthcareTrades.Contains(trade))
        {
            notes.Add("Compliance: HIPAA; keep the BAA on file.");
        }

        switch (plan)
        {
            case ServicePlan.BlockHours:
                notes.Add("Unused block hours do not roll over to the next month.");
                break;
            case ServicePlan.TimeAndMaterials:
                notes.Add("Break/fix only; projects are quoted separately.");
                break;
            default:
                notes.Add("Remote staff use personal devices; only office machines are managed.");
                notes.Add("M365 annual commitment renews in March; review the seat count before then.");
                if (lines.Any(l => l.ItemName == Items.ManagedWorkstation && l.UnitPriceOverride is not null))
                {
                    notes.Add("Legacy pricing on workstations until the next agreement review.");
                }

                if (lines.Any(l => l.ItemName == Items.HuntressEdr) && lines.Any(l => l.ItemName == Items.CloudBackup))
                {
                    notes.Add("Cyber insurance questionnaire due each spring; EDR and backup are required.");
                }

                if (lines.Any(l => l.ItemName == Items.FirewallManagement && l.Quantity > 1))
                {
                    notes.Add("Two sites linked by a site-to-site VPN between the firewalls.");
                }

                break;
        }

        return [.. notes];
    }

    private static List<LineSpec> ManagedLines(Random rng, ClientSize size, int workstations, int servers)
    {
        var lines = new List<LineSpec>(10);

        // Most clients pay list price per workstation; some have a contract minimum, a few spare units included
        // in the agreement, some legacy pricing.
        var arrangement = rng.NextDouble();
        var minimum = arrangement < 0.15 ? size switch { ClientSize.SmallOffice => 5m, ClientSize.Mid => 15m, _ => 40m } : 0m;
        var included = arrangement is >= 0.15 and < 0.25 ? rng.Next(1, 4) : 0m;
        decimal? workstationPrice = rng.NextDouble() < 0.12 ? Pick(rng, [40.00m, 42.50m, 49.00m, 50.00m]) : null;
        lines.Add(new LineSpec(Items.ManagedWorkstation, workstations, included, minimum, workstationPrice));

        if (servers > 0)
        {
            decimal? serverPrice = rng.NextDouble() < 0.08 ? Pick(rng, [125.00m, 175.00m]) : null;
            lines.Add(new LineSpec(Items.ManagedServer, servers, UnitPriceOverride: serverPrice));
        }

        // One primary Microsoft 365 SKU with seats near the headcount; sometimes a second one for shared or frontline mailboxes.
        var skuRoll = rng.NextDouble();
        var primary = size switch
        {
            ClientSize.SmallOffice => skuRoll < 0.3 ? Items.M365BusinessBasic : skuRoll < 0.8 ? Items.M365BusinessStandard : Items.M365BusinessPremium,
            ClientSize.Mid => skuRoll < 0.45 ? Items.M365BusinessStandard : Items.M365BusinessPremium,
            _ => skuRoll < 0.3 ? Items.M365BusinessStandard : Items.M365BusinessPremium,
        };
        var seats = Math.Max(1, (int)Math.Round(workstations * (0.85 + (rng.NextDouble() * 0.4)), MidpointRounding.AwayFromZero));
        lines.Add(new LineSpec(primary, seats));
        var secondChance = size switch { ClientSize.SmallOffice => 0.2, ClientSize.Mid => 0.4, _ => 0.6 };
        if (rng.NextDouble() < secondChance)
        {
            var second = primary == Items.M365BusinessBasic || rng.NextDouble() < 0.6 ? Items.ExchangeOnlinePlan1 : Items.M365BusinessBasic;
            lines.Add(new LineSpec(second, Math.Max(1, (int)Math.Round(workstations * (0.05 + (rng.NextDouble() * 0.15)), MidpointRounding.AwayFromZero))));
        }

        // EDR on every managed endpoint, less the odd machine the agent has not reached yet.
        if (rng.NextDouble() < 0.9)
        {
            var missing = rng.NextDouble() < 0.2 ? rng.Next(1, 3) : 0;
            lines.Add(new LineSpec(Items.HuntressEdr, Math.Max(1, workstations + servers - missing)));
        }

        if (rng.NextDouble() < 0.4)
        {
            lines.Add(new LineSpec(Items.EmailSecurity, seats));
        }

        var firewalls = size switch
        {
            ClientSize.SmallOffice => rng.NextDouble() < 0.85 ? 1 : 0,
            ClientSize.Mid => rng.NextDouble() < 0.9 ? 1 : 2,
            _ => rng.Next(1, 3),
        };
        if (firewalls > 0)
        {
            lines.Add(new LineSpec(Items.FirewallManagement, firewalls));
        }

        if (servers > 0 && rng.NextDouble() < 0.85)
        {
            lines.Add(new LineSpec(Items.CloudBackup, servers));
        }

        var networkDevices = size switch
        {
            ClientSize.SmallOffice => rng.NextDouble() < 0.5 ? rng.Next(1, 4) : 0,
            ClientSize.Mid => rng.Next(2, 9),
            _ => rng.Next(6, 21),
        };
        if (networkDevices > 0)
        {
            lines.Add(new LineSpec(Items.NetworkDeviceManagement, networkDevices));
        }

        return lines;
    }

    /// <summary>
    /// "Stem Trade" (Harbor Dental Group); when those run out, "Stem Trade of City"; a number only as the last resort.
    /// 70 stems × 60 trades (4,200 names) × 40 cities keep names readable far beyond 5,000 clients.
    /// </summary>
    private static (string Name, string Trade) NextName(Random rng, HashSet<string> taken)
    {
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var (name, trade) = BaseName(rng);
            if (taken.Add(name))
            {
                return (name, trade);
            }
        }

        for (var attempt = 0; attempt < 40; attempt++)
        {
            var (name, trade) = BaseName(rng);
            name += " of " + Cities[rng.Next(Cities.Length)];
            if (taken.Add(name))
            {
                return (name, trade);
            }
        }

        var (stem, stemTrade) = BaseName(rng);
        for (var n = 2; ; n++)
        {
            var name = stem + " " + n.ToString(CultureInfo.InvariantCulture);
            if (taken.Add(name))
            {
                return (name, stemTrade);
            }
        }
    }

    private static (string Name, string Trade) BaseName(Random rng)
    {
        var trade = Trades[rng.Next(Trades.Length)];
        return (NameStems[rng.Next(NameStems.Length)] + " " + trade, trade);
    }

    private static T Pick<T>(Random rng, T[] values) => values[rng.Next(values.Length)];

    /// <summary>
    /// Writes the catalog (items missing by name) and the clients with their agreements and manual recurring lines
    /// for one tenant, effective from the first of the current month. Built for volume: change detection off, batches
    /// of <paramref name="batchSize"/> clients, the change tracker cleared between batches (so anything the caller
    /// tracked on <paramref name="db"/> is detached), and one transaction unless the caller already opened one.
    /// </summary>
    public static async Task<GeneratorWriteResult> WriteAsync(
        AppDbContext db,
        Guid tenantId,
        IReadOnlyList<ClientSpec> clients,
        TimeProvider time,
        CancellationToken cancellationToken = default,
        int batchSize = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        db.ForTenant(tenantId, db.Actor ?? "data-generator");
        var now = time.GetUtcNow().UtcDateTime;
        var effectiveFrom = SaveLine.FirstOfMonth(now);

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var itemIds = await db.CatalogItems.AsNoTracking()
                .ToDictionaryAsync(i => i.NormalizedName, i => i.Id, StringComparer.Ordinal, cancellationToken);
            var newItems = 0;
            foreach (var spec in Catalog.Where(s => !itemIds.ContainsKey(Client.Normalize(s.Name))))
            {
                var item = new CatalogItem { TenantId = tenantId, Name = spec.Name, UnitPrice = spec.UnitPrice, UnitCost = spec.UnitCost, Taxable = spec.Taxable, CreatedUtc = now };
                db.CatalogItems.Add(item);
                itemIds[item.NormalizedName] = item.Id;
                newItems++;
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();

            var lineCount = 0;
            foreach (var batch in clients.Chunk(batchSize))
            {
                foreach (var spec in batch)
                {
                    var client = new Client { TenantId = tenantId, Name = spec.Name, HourlyRate = spec.HourlyRate, Notes = spec.Notes, CreatedUtc = now };
                    var agreement = new Agreement { TenantId = tenantId, ClientId = client.Id };
                    foreach (var line in spec.Lines)
                    {
                        agreement.Lines.Add(new RecurringLine
                        {
                            TenantId = tenantId,
                            AgreementId = agreement.Id,
                            CatalogItemId = itemIds.TryGetValue(Client.Normalize(line.ItemName), out var itemId)
                                ? itemId
                                : throw new InvalidOperationException($"'{line.ItemName}' is not in the catalog."),
                            UnitPriceOverride = line.UnitPriceOverride,
                            SourceKind = QuantitySourceKind.Manual,
                            Quantity = line.Quantity,
                            IncludedUnits = line.IncludedUnits,
                            Minimum = line.Minimum,
                            EffectiveFrom = effectiveFrom,
                            CreatedUtc = now,
                        });
                    }

                    client.Agreement = agreement;
                    db.Clients.Add(client);
                    lineCount += spec.Lines.Count;
                }

                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }

            if (tx is not null)
            {
                await tx.CommitAsync(cancellationToken);
            }

            return new GeneratorWriteResult(newItems, clients.Count, lineCount);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }
}
