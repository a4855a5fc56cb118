using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;
using CommandCenter.Demo;

namespace CommandCenter.Simulators.World;

/// <summary>A QuickBooks Desktop customer as Conductor lists it (vendor-apis.md §6.3). Money is a decimal string.</summary>
public sealed record ConductorCustomer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("objectType")] string ObjectType,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("updatedAt")] string UpdatedAt,
    [property: JsonPropertyName("revisionNumber")] string RevisionNumber,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("fullName")] string FullName,
    [property: JsonPropertyName("isActive")] bool IsActive,
    [property: JsonPropertyName("parent")] ConductorRef? Parent,
    [property: JsonPropertyName("sublevel")] int Sublevel,
    [property: JsonPropertyName("companyName")] string? CompanyName,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("balance")] string Balance,
    [property: JsonPropertyName("totalBalance")] string TotalBalance,
    [property: JsonPropertyName("externalId")] string? ExternalId);

/// <summary>A service item (<c>qbd_service_item</c>) with its sales details (price as a decimal string).</summary>
public sealed record ConductorServiceItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("objectType")] string ObjectType,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("updatedAt")] string UpdatedAt,
    [property: JsonPropertyName("revisionNumber")] string RevisionNumber,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("fullName")] string FullName,
    [property: JsonPropertyName("isActive")] bool IsActive,
    [property: JsonPropertyName("parent")] ConductorRef? Parent,
    [property: JsonPropertyName("sublevel")] int Sublevel,
    [property: JsonPropertyName("salesOrPurchaseDetails")] ConductorSalesOrPurchaseDetails? SalesOrPurchaseDetails,
    [property: JsonPropertyName("salesAndPurchaseDetails")] object? SalesAndPurchaseDetails,
    [property: JsonPropertyName("externalId")] string? ExternalId);

public sealed record ConductorSalesOrPurchaseDetails(
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("price")] string? Price,
    [property: JsonPropertyName("pricePercentage")] string? PricePercentage,
    [property: JsonPropertyName("postingAccount")] ConductorRef? PostingAccount);

/// <summary>A reference to another QuickBooks object: <c>{ id, fullName }</c>.</summary>
public sealed record ConductorRef(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("fullName")] string FullName);

/// <summary>
/// An invoice or credit memo created through the simulator (<see cref="ObjectType"/> <c>qbd_invoice</c> or
/// <c>qbd_credit_memo</c>). The endpoints project it onto the wire shape of its kind.
/// </summary>
public sealed record ConductorTransaction(
    string Id,
    string ObjectType,
    string EndUserId,
    long Sequence,
    DateTimeOffset CreatedAt,
    string? ExternalId,
    ConductorRef Customer,
    string? RefNumber,
    DateOnly TransactionDate,
    DateOnly? DueDate,
    string? Memo,
    IReadOnlyList<ConductorTransactionLine> Lines)
{
    public const string Invoice = "qbd_invoice";
    public const string CreditMemo = "qbd_credit_memo";

    /// <summary>Sum of the line amounts (QuickBooks computes it; the simulator has no sales tax).</summary>
    public decimal Subtotal => Lines.Sum(l => l.Amount);
}

public sealed record ConductorTransactionLine(
    string Id,
    ConductorRef? Item,
    string? Description,
    decimal? Quantity,
    decimal? Rate,
    decimal Amount,
    DateOnly? ServiceDate);

/// <summary>A created document as tests look at it (<c>GET {prefix}/_world/conductor/invoices</c>).</summary>
public sealed record ConductorDocumentSummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("objectType")] string ObjectType,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("refNumber")] string? RefNumber,
    [property: JsonPropertyName("customerId")] string CustomerId,
    [property: JsonPropertyName("customer")] string Customer,
    [property: JsonPropertyName("transactionDate")] string TransactionDate,
    [property: JsonPropertyName("total")] decimal Total,
    [property: JsonPropertyName("lines")] int Lines);

/// <summary>
/// The QuickBooks Desktop company file behind Conductor's end user <see cref="AccountingSimulatorCredentials.ConductorEndUserId"/>:
/// the demo clients as customers (exact names), a few customers that are not clients (one a near-duplicate of a
/// client), the catalog as service items plus "Misc charges", and the invoices and credit memos created so far.
/// Ids are deterministic (<c>8000{n:0000}-1600000000</c>), so an in-app and a separately started simulator agree.
/// </summary>
public sealed class ConductorData
{
    public const string MiscChargesItem = "Misc charges";
    public const string ServicesIncomeAccount = "Services Income";
    public const string ResaleIncomeAccount = "Resale Income";
    private const string IdSuffix = "-1600000000";
    private const string FixedTimestamp = "2024-01-02T09:00:00-05:00";

    private readonly Lock _gate = new();
    private readonly List<ConductorCustomer> _customers = [];
    private readonly List<ConductorServiceItem> _items = [];
    private readonly List<ConductorTransaction> _transactions = [];
    private readonly Dictionary<string, CursorState> _cursors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _sequence;

    internal ConductorData(IEnumerable<string> clientNames, TimeProvider time)
    {
        _time = time;
        var names = clientNames.ToList();
        var n = 1;
        foreach (var name in names)
        {
            _customers.Add(Customer(n++, name, active: true));
        }

        // Not clients of the MSP's app: an unrelated customer, a near-duplicate of a client (mapping suggestions must
        // not pick it silently) and an inactive one.
        var duplicateOf = names.FirstOrDefault(x => x.StartsWith("Bluebird", StringComparison.Ordinal)) ?? names.FirstOrDefault() ?? "Northwind Traders";
        _customers.Add(Customer(n++, "Contoso Ltd", active: true));
        _customers.Add(Customer(n++, duplicateOf + " (old)", active: true));
        _customers.Add(Customer(n, "Fabrikam Holdings", active: false));

        var i = 1;
        foreach (var spec in DataGenerator.Catalog)
        {
            _items.Add(Item(1000 + i++, spec.Name, spec.UnitPrice, spec.Taxable ? ResaleIncomeAccount : ServicesIncomeAccount));
        }

        _items.Add(Item(1000 + i, MiscChargesItem, null, ServicesIncomeAccount));
    }

    /// <summary>How long a <c>nextCursor</c> stays valid after the answer that carried it (a QuickBooks Desktop limit).</summary>
    public static readonly TimeSpan CursorLifetime = TimeSpan.FromSeconds(10);

    /// <summary>The one end user (company file) the simulator knows.</summary>
    public static string EndUserId => AccountingSimulatorCredentials.ConductorEndUserId;

    /// <summary>False: every QuickBooks Desktop call answers INTEGRATION_CONNECTION_ERROR (QuickBooks is closed on the PC).</summary>
    public bool QuickBooksOpen { get; set; } = true;

    public IReadOnlyList<ConductorCustomer> Customers
    {
        get { lock (_gate) { return [.. _customers]; } }
    }

    public IReadOnlyList<ConductorServiceItem> Items
    {
        get { lock (_gate) { return [.. _items]; } }
    }

    /// <summary>Invoices and credit memos in the order they were created.</summary>
    public IReadOnlyList<ConductorTransaction> Transactions
    {
        get { lock (_gate) { return [.. _transactions]; } }
    }

    public IReadOnlyList<ConductorTransaction> Invoices => [.. Transactions.Where(t => t.ObjectType == ConductorTransaction.Invoice)];

    public IReadOnlyList<ConductorTransaction> CreditMemos => [.. Transactions.Where(t => t.ObjectType == ConductorTransaction.CreditMemo)];

    public IReadOnlyList<ConductorDocumentSummary> Summaries() =>
        [.. Transactions.Select(t => new ConductorDocumentSummary(t.Id, t.ObjectType, t.ExternalId, t.RefNumber, t.Customer.Id, t.Customer.FullName,
            t.TransactionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), t.Subtotal, t.Lines.Count))];

    public ConductorCustomer? FindCustomer(string id) => Customers.FirstOrDefault(c => c.Id == id);

    public ConductorServiceItem? FindItem(string id) => Items.FirstOrDefault(i => i.Id == id);

    /// <summary>Adds a customer (tests: one created in QuickBooks after the import).</summary>
    public ConductorCustomer AddCustomer(string name, bool active = true)
    {
        lock (_gate)
        {
            var customer = Customer(_customers.Count + 1, name, active);
            _customers.Add(customer);
            return customer;
        }
    }

    /// <summary>Stores a validated document; ids follow QuickBooks' TxnID shape (<c>{hex}-{epoch}</c>).</summary>
    internal ConductorTransaction Add(string objectType, string? externalId, ConductorRef customer, string? refNumber, DateOnly transactionDate,
        DateOnly? dueDate, string? memo, IReadOnlyList<(ConductorRef? Item, string? Description, decimal? Quantity, decimal? Rate, decimal Amount, DateOnly? ServiceDate)> lines)
    {
        lock (_gate)
        {
            var sequence = ++_sequence;
            var now = _time.GetUtcNow();
            var epoch = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var lineNumber = 0;
            var transaction = new ConductorTransaction(
                TxnId(sequence * 100, epoch), objectType, EndUserId, sequence, now, externalId, customer, refNumber, transactionDate, dueDate, memo,
                [.. lines.Select(l => new ConductorTransactionLine(TxnId((sequence * 100) + ++lineNumber, epoch), l.Item, l.Description, l.Quantity, l.Rate, l.Amount, l.ServiceDate))]);
            _transactions.Add(transaction);
            return transaction;
        }
    }

    /// <summary>QuickBooks Desktop handles one request at a time per company file.</summary>
    internal SemaphoreSlim Gate(string endUserId) => _gates.GetOrAdd(endUserId, _ => new SemaphoreSlim(1, 1));

    internal string NewCursor(IReadOnlyList<object> items, int offset, string endUserId, string path)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var stale in _cursors.Where(c => c.Value.ExpiresAt < now - TimeSpan.FromMinutes(5)).Select(c => c.Key).ToList())
            {
                _cursors.Remove(stale);
            }

            var cursor = Guid.NewGuid().ToString();
            _cursors[cursor] = new CursorState(items, offset, endUserId, path, now + CursorLifetime);
            return cursor;
        }
    }

    /// <summary>Uses up a cursor: unknown (or another end user's / list's), expired, or the rest of its list.</summary>
    internal CursorOutcome TakeCursor(string cursor, string endUserId, string path, out CursorState? state)
    {
        lock (_gate)
        {
            if (!_cursors.Remove(cursor, out state) || state.EndUserId != endUserId || state.Path != path)
            {
                state = null;
                return CursorOutcome.Unknown;
            }

            return _time.GetUtcNow() > state.ExpiresAt ? CursorOutcome.Expired : CursorOutcome.Valid;
        }
    }

    private static string TxnId(long number, string epoch) => string.Create(CultureInfo.InvariantCulture, $"{number + 0x1000:X}-{epoch}");

    private static string ListId(int n) => string.Create(CultureInfo.InvariantCulture, $"8000{n:0000}{IdSuffix}");

    private static ConductorCustomer Customer(int n, string name, bool active) =>
        new(ListId(n), "qbd_customer", FixedTimestamp, FixedTimestamp, "1704204000", name, name, active, null, 0, name,
            $"billing@{new string([.. name.ToLowerInvariant().Where(char.IsLetterOrDigit)])}.example", null, "0.00", "0.00", null);

    private static ConductorServiceItem Item(int n, string name, decimal? price, string account) =>
        new(ListId(n), "qbd_service_item", FixedTimestamp, FixedTimestamp, "1704204000", name, name, true, null, 0,
            new ConductorSalesOrPurchaseDetails(name, price?.ToString("0.00", CultureInfo.InvariantCulture), null,
                new ConductorRef(account == ServicesIncomeAccount ? "80000A01" + IdSuffix : "80000A02" + IdSuffix, account)),
            null, null);
}

internal enum CursorOutcome
{
    Valid = 0,
    Unknown = 1,
    Expired = 2,
}

internal sealed record CursorState(IReadOnlyList<object> Items, int Offset, string EndUserId, string Path, DateTimeOffset ExpiresAt);
