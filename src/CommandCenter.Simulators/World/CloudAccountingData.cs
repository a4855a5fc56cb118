using System.Globalization;
using System.Text.Json.Nodes;
using CommandCenter.Demo;

namespace CommandCenter.Simulators.World;

/// <summary>A customer of the accounting simulators (same list in QBO and Xero; ids differ per vendor).</summary>
public sealed record AccountingCustomer(string Name, bool Active, string? Email);

/// <summary>A sellable item of the accounting simulators.</summary>
public sealed record AccountingItem(string Name, decimal UnitPrice, bool Taxable);

/// <summary>A document created in QBO or Xero: its id, number, customer, total (before tax), the note carrying our key, and the answer as sent.</summary>
public sealed record CloudDocument(string Kind, string Id, string Number, string CustomerId, decimal Total, string? Note, string? IdempotencyKey, JsonObject Payload);

/// <summary>
/// The deterministic books both accounting simulators start with: the 40 demo clients by exact name plus three
/// customers that are not demo clients (one near-duplicate, one inactive), and the demo catalog plus "Misc charges".
/// </summary>
public static class AccountingBook
{
    public const string MiscCharges = "Misc charges";

    public static IReadOnlyList<AccountingCustomer> Customers { get; } = BuildCustomers();

    public static IReadOnlyList<AccountingItem> Items { get; } =
        [.. DataGenerator.Catalog.Select(c => new AccountingItem(c.Name, c.UnitPrice, c.Taxable)), new AccountingItem(MiscCharges, 0m, false)];

    private static List<AccountingCustomer> BuildCustomers()
    {
        var clients = DataGenerator.Generate(DemoSeeder.DemoClientCount, DemoSeeder.DemoGeneratorSeed);
        var list = clients.Select(c => new AccountingCustomer(c.Name, true, Email(c.Name))).ToList();
        var twin = clients.FirstOrDefault(c => c.Name.StartsWith("Bluebird", StringComparison.Ordinal))?.Name ?? clients[0].Name;
        list.Add(new AccountingCustomer("Contoso Ltd", true, "ap@contoso.example"));
        list.Add(new AccountingCustomer(twin + " (old)", true, null));
        list.Add(new AccountingCustomer("Fabrikam Inc", false, "billing@fabrikam.example"));
        return list;
    }

    private static string Email(string name) =>
        "billing@" + new string([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]) + ".example";
}

/// <summary>QuickBooks Online: one company (<see cref="AccountingSimulatorCredentials.QboRealmId"/>), ids are small integers as strings.</summary>
public sealed class QboData
{
    private readonly Lock _gate = new();
    private readonly List<CloudDocument> _documents = [];
    private readonly Dictionary<string, (int Status, JsonObject Body)> _replays = new(StringComparer.Ordinal);
    private int _nextTxnId = 145;

    /// <summary>Customer id = position + 1 ("1".."43").</summary>
    public IReadOnlyList<(string Id, AccountingCustomer Customer)> Customers { get; } =
        [.. AccountingBook.Customers.Select((c, i) => ((i + 1).ToString(CultureInfo.InvariantCulture), c))];

    /// <summary>Item id = position + 1 ("1".."14").</summary>
    public IReadOnlyList<(string Id, AccountingItem Item)> Items { get; } =
        [.. AccountingBook.Items.Select((item, i) => ((i + 1).ToString(CultureInfo.InvariantCulture), item))];

    public IReadOnlyList<CloudDocument> Invoices => Of("Invoice");

    public IReadOnlyList<CloudDocument> CreditMemos => Of("CreditMemo");

    public IReadOnlyList<CloudDocument> Documents
    {
        get { lock (_gate) { return [.. _documents]; } }
    }

    private List<CloudDocument> Of(string kind)
    {
        lock (_gate)
        {
            return [.. _documents.Where(d => d.Kind == kind)];
        }
    }

    /// <summary>
    /// Under one lock: the stored answer of an earlier request with this requestid, or the result of <paramref name="create"/>
    /// (given the next transaction id) — remembered for replay when it succeeded.
    /// </summary>
    internal (int Status, JsonObject Body) CreateOnce(string? requestId, Func<string, (int Status, JsonObject Body, CloudDocument? Document)> create)
    {
        lock (_gate)
        {
            if (requestId is not null && _replays.TryGetValue(requestId, out var replay))
            {
                return (replay.Status, (JsonObject)replay.Body.DeepClone());
            }

            var (status, body, document) = create(_nextTxnId.ToString(CultureInfo.InvariantCulture));
            if (document is not null)
            {
                _nextTxnId++;
                _documents.Add(document);
                if (requestId is not null)
                {
                    _replays[requestId] = (status, (JsonObject)body.DeepClone());
                }
            }

            return (status, body);
        }
    }

    /// <summary>The document of this kind that holds the number, if any (QBO error 6140, duplicate document number).</summary>
    internal CloudDocument? WithNumber(string kind, string number) => _documents.Find(d => d.Kind == kind && d.Number == number);
}

/// <summary>Xero: one organisation (<see cref="AccountingSimulatorCredentials.XeroTenantId"/>), ids are GUIDs, items are referenced by Code.</summary>
public sealed class XeroData
{
    private readonly Lock _gate = new();
    private readonly List<CloudDocument> _documents = [];
    private readonly Dictionary<string, (int Status, JsonObject Body)> _replays = new(StringComparer.Ordinal);
    private int _next = 1;

    public IReadOnlyList<(Guid Id, AccountingCustomer Contact)> Contacts { get; } =
        [.. AccountingBook.Customers.Select((c, i) => (Id("9b9a8c7d", i + 1), c))];

    /// <summary>Items with their ItemID and Code ("CC01".."CC13", "MISC").</summary>
    public IReadOnlyList<(Guid Id, string Code, AccountingItem Item)> Items { get; } =
        [.. AccountingBook.Items.Select((item, i) => (Id("17e3a5b1", i + 1), item.Name == AccountingBook.MiscCharges ? "MISC" : $"CC{i + 1:00}", item))];

    public IReadOnlyList<CloudDocument> Invoices => Of("ACCREC");

    public IReadOnlyList<CloudDocument> CreditNotes => Of("ACCRECCREDIT");

    public IReadOnlyList<CloudDocument> Documents
    {
        get { lock (_gate) { return [.. _documents]; } }
    }

    private List<CloudDocument> Of(string kind)
    {
        lock (_gate)
        {
            return [.. _documents.Where(d => d.Kind == kind)];
        }
    }

    internal static Guid Id(string prefix, int n) => Guid.Parse($"{prefix}-0000-4000-8000-{n:D12}");

    /// <summary>Like <see cref="QboData.CreateOnce"/>, keyed by the Idempotency-Key (per endpoint); create gets a sequence number.</summary>
    internal (int Status, JsonObject Body) CreateOnce(string? key, Func<int, (int Status, JsonObject Body, IReadOnlyList<CloudDocument> Documents)> create)
    {
        lock (_gate)
        {
            if (key is not null && _replays.TryGetValue(key, out var replay))
            {
                return (replay.Status, (JsonObject)replay.Body.DeepClone());
            }

            var (status, body, documents) = create(_next);
            if (documents.Count > 0)
            {
                _next += documents.Count;
                _documents.AddRange(documents);
                if (key is not null)
                {
                    _replays[key] = (status, (JsonObject)body.DeepClone());
                }
            }

            return (status, body);
        }
    }

    /// <summary>Whether a number is taken by a document of this kind (Xero: "Invoice # must be unique").</summary>
    internal bool NumberTaken(string kind, string number) => _documents.Any(d => d.Kind == kind && d.Number == number);
}
