namespace CommandCenter.Accounting;

/// <summary>
/// What a target needs to be called: where it is and the decrypted credentials. Rotated OAuth tokens are handed back
/// through <see cref="SaveCredentials"/> (stored encrypted before the call that needed them returns).
/// </summary>
public sealed record AccountingEndpoint(
    Guid TenantId,
    Guid ConnectionId,
    AccountingKind Kind,
    Uri BaseUrl,
    Uri? TokenUrl,
    AccountingCredentials Credentials,
    int TimeoutSeconds,
    int SettingsVersion,
    Func<AccountingCredentials, CancellationToken, Task> SaveCredentials)
{
    /// <summary>Keys per-connection caches and resilience pipelines (a settings change starts afresh).</summary>
    public string PipelineKey => $"{ConnectionId:N}:{SettingsVersion}";
}

/// <summary>Credentials of any target; each kind uses its own fields. Never logged, never returned by the API.</summary>
public sealed record AccountingCredentials
{
    /// <summary>Conductor: the project secret key (sk_…).</summary>
    public string? SecretKey { get; init; }

    /// <summary>Conductor: the end-user (company file), end_usr_….</summary>
    public string? EndUserId { get; init; }

    /// <summary>QBO / Xero: the OAuth app.</summary>
    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>QBO / Xero: tokens from the authorization-code grant (refresh tokens rotate).</summary>
    public string? AccessToken { get; init; }

    public DateTime? AccessTokenExpiresUtc { get; init; }

    public string? RefreshToken { get; init; }

    /// <summary>QBO: the company (realm) id.</summary>
    public string? RealmId { get; init; }

    /// <summary>Xero: the organisation (xero-tenant-id).</summary>
    public string? XeroTenantId { get; init; }
}

public sealed record ExternalCustomer(string Id, string Name, bool Active = true, string? Email = null);

public sealed record ExternalItem(string Id, string Name, bool Active = true, string? Type = null, decimal? Price = null, string? IncomeAccount = null);

public enum DocumentKind
{
    Invoice = 0,

    /// <summary>A negative total, or a correction that gives money back: QBO CreditMemo, Xero ACCRECCREDIT, Conductor credit memo, IIF CREDIT MEMO.</summary>
    CreditMemo = 1,
}

/// <summary>
/// One line of a document as it is posted. Amount is the preview's amount to the cent (rounded once at the line);
/// <see cref="Quantity"/> × <see cref="UnitPrice"/> may differ from it by rounding (proration), and targets that insist
/// on equality choose a representation that keeps <see cref="Amount"/>. Credit memo lines carry positive amounts for
/// what is credited (a line that adds back to a credit memo is negative).
/// </summary>
public sealed record PostingLine(
    string ItemId,
    string ItemName,
    string Description,
    decimal Quantity,
    decimal UnitPrice,
    decimal Amount,
    bool Taxable,
    string? IncomeAccount = null,
    DateOnly? ServiceDate = null);

/// <summary>
/// A document exactly as it goes to the target, frozen when it is queued (retries send the same content).
/// <see cref="IdempotencyKey"/> is deterministic per (tenant, period, client, document version) — QBO's requestid is
/// <see cref="ExternalGuid"/> (36 characters), Xero's Idempotency-Key is the key itself, Conductor's externalId is
/// <see cref="ExternalGuid"/> (a name-based UUID of the key); IIF's DOCNUM is <see cref="Number"/>.
/// </summary>
public sealed record PostingDocument(
    string IdempotencyKey,
    Guid ExternalGuid,
    DocumentKind Kind,
    string Number,
    string CustomerId,
    string CustomerName,
    DateOnly Date,
    DateOnly DueDate,
    string Memo,
    string Currency,
    IReadOnlyList<PostingLine> Lines)
{
    public decimal Total => Lines.Sum(l => l.Amount);
}

/// <summary>A document the target holds: its id there, its number and its total as the target computed it.</summary>
public sealed record PostedDocument(string ExternalId, string? ExternalNumber, decimal Total);

/// <summary>
/// One accounting system behind one interface (registered keyed by <see cref="AccountingKind"/>). Calls for one
/// connection are made one at a time by the caller (QuickBooks Desktop processes one request at a time per company file).
/// </summary>
public interface IAccountingTarget
{
    /// <summary>A cheap authenticated call that proves the credentials and the company are reachable.</summary>
    Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Every customer of the target (all pages, fetched back to back).</summary>
    Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Every sellable item of the target (all pages).</summary>
    Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the document. Throws <see cref="AccountingRejectedException"/> when the target definitely refused it
    /// (nothing was created); any other exception means the outcome is unknown and must be read back before a retry.
    /// </summary>
    Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken);

    /// <summary>
    /// Read-back: the document an earlier <see cref="PostAsync"/> of this document created (matched on its external
    /// GUID / idempotency key, not just its number), or null when the target definitely holds none. Throws
    /// <see cref="AccountingException"/> when it cannot tell.
    /// </summary>
    Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken);
}

/// <summary>A failed call to an accounting target, in words an operator can act on (the target's user-facing message when it has one).</summary>
public class AccountingException(string message, Exception? inner = null) : Exception(message, inner)
{
    public int? StatusCode { get; init; }

    /// <summary>The target's own error code (Conductor code / QBO Fault code / Xero ErrorNumber).</summary>
    public string? Code { get; init; }
}

/// <summary>The target refused the document and created nothing (validation, bad mapping, access denied before anything ran).</summary>
public sealed class AccountingRejectedException(string message, Exception? inner = null) : AccountingException(message, inner);

/// <summary>OAuth targets: there is no usable token (never authorised, or the refresh token was revoked): the owner must connect again.</summary>
public sealed class AccountingAuthorizationException(string message, Exception? inner = null) : AccountingException(message, inner);
