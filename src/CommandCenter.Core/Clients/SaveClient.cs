using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>Creates a client (with its agreement) or updates one; validated and audited.</summary>
public static class SaveClient
{
    public sealed record Request(string Name, ClientStatus Status = ClientStatus.Active, string? AccountingCustomerRef = null, decimal? HourlyRate = null, string? Notes = null);

    public static void Validate(Request request)
    {
        Rules(request).ThrowIfInvalid();
        if (!Enum.IsDefined(request.Status))
        {
            throw ValidationFailedException.For("status", "Status must be Active or Inactive.");
        }
    }

    /// <summary>The field rules, collected without throwing (the billing sheet import reports them per row).</summary>
    internal static Validator Rules(Request request) =>
        new Validator()
            .Require("name", request.Name, Client.NameMaxLength, "Name")
            .MaxLength("accountingCustomerRef", request.AccountingCustomerRef, 100, "Accounting customer reference")
            .MaxLength("notes", request.Notes, Client.NotesMaxLength, "Notes")
            .Money("hourlyRate", request.HourlyRate, "Hourly rate");

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<Guid> CreateAsync(Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var name = request.Name.Trim();
            await EnsureUniqueNameAsync(db, name, null, cancellationToken);

            var client = NewClient(request, time.GetUtcNow().UtcDateTime);
            db.Clients.Add(client);
            audit.Record(db, "client.created", nameof(Client), client.Id, null, Snapshot(client));
            await db.SaveChangesAsync(cancellationToken);
            return client.Id;
        }

        public async Task UpdateAsync(Guid clientId, Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var client = await db.Clients.SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken)
                ?? throw new NotFoundException("Client", clientId);
            var name = request.Name.Trim();
            await EnsureUniqueNameAsync(db, name, clientId, cancellationToken);

            var before = Snapshot(client);
            client.Name = name;
            client.Status = request.Status;
            client.AccountingCustomerRef = Clean(request.AccountingCustomerRef);
            client.HourlyRate = request.HourlyRate;
            client.Notes = Clean(request.Notes);
            var after = Snapshot(client);
            if (before != after)
            {
                audit.Record(db, "client.updated", nameof(Client), client.Id, before, after);
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        public async Task DeleteAsync(Guid clientId, string? reason, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var client = await db.Clients.Include(c => c.Agreement).ThenInclude(a => a!.Lines)
                .SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken)
                ?? throw new NotFoundException("Client", clientId);
            audit.Record(db, "client.deleted", nameof(Client), client.Id, new { Client = Snapshot(client), Lines = client.Agreement?.Lines.Count ?? 0 }, null, reason);
            db.Clients.Remove(client);
            await db.SaveChangesAsync(cancellationToken);
        }

        private static async Task EnsureUniqueNameAsync(AppDbContext db, string name, Guid? exceptId, CancellationToken cancellationToken)
        {
            var normalized = Client.Normalize(name);
            if (await db.Clients.AnyAsync(c => c.NormalizedName == normalized && c.Id != exceptId, cancellationToken))
            {
                throw ValidationFailedException.For("name", $"A client named '{name}' already exists.");
            }
        }
    }

    /// <summary>A new client with its (empty) agreement, from a validated request.</summary>
    internal static Client NewClient(Request request, DateTime createdUtc)
    {
        var client = new Client
        {
            Name = request.Name.Trim(),
            Status = request.Status,
            AccountingCustomerRef = Clean(request.AccountingCustomerRef),
            HourlyRate = request.HourlyRate,
            Notes = Clean(request.Notes),
            CreatedUtc = createdUtc,
        };
        client.Agreement = new Agreement { ClientId = client.Id };
        return client;
    }

    internal static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static ClientSnapshot Snapshot(Client c) => new(c.Name, c.Status, c.AccountingCustomerRef, c.HourlyRate, c.Notes);

    internal sealed record ClientSnapshot(string Name, ClientStatus Status, string? AccountingCustomerRef, decimal? HourlyRate, string? Notes);
}
