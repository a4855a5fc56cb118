using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Common;
using CommandCenter.Psa;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

/// <summary>
/// Billing classes as the contract spells them: <c>"Included" | "Billable" | "BlockHour" | "Project" | "NonBillable"</c>
/// (PascalCase, unlike the other enums). Read case-insensitively, also as people write them ("Block Hour", "non-billable").
/// </summary>
internal static class BillingClasses
{
    public const string Expected = "billingClass must be one of \"Included\", \"Billable\", \"BlockHour\", \"Project\", \"NonBillable\".";

    public static bool TryParse(string? value, out BillingClass billingClass)
    {
        billingClass = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var compact = new string(value.Where(char.IsLetter).ToArray());
        return compact.Length > 0 && Enum.TryParse(compact, ignoreCase: true, out billingClass) && Enum.IsDefined(billingClass);
    }

    /// <summary>The class of a request: missing or unknown → 400 with what is expected.</summary>
    public static BillingClass Required(string? value, string missingMessage) =>
        string.IsNullOrWhiteSpace(value) ? throw ValidationFailedException.For("billingClass", missingMessage)
        : TryParse(value, out var billingClass) ? billingClass
        : throw ValidationFailedException.For("billingClass", $"Unknown billing class '{value}': " + Expected);

    public static string ToApi(BillingClass billingClass) => billingClass.ToString();
}

internal sealed class BillingClassJsonConverter : JsonConverter<BillingClass>
{
    public override BillingClass Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && BillingClasses.TryParse(reader.GetString(), out var value) ? value : throw new JsonException(BillingClasses.Expected);

    public override void Write(Utf8JsonWriter writer, BillingClass value, JsonSerializerOptions options) => writer.WriteStringValue(BillingClasses.ToApi(value));
}

internal sealed class NullableBillingClassJsonConverter : JsonConverter<BillingClass?>
{
    public override BillingClass? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : new BillingClassJsonConverter().Read(ref reader, typeof(BillingClass), options);

    public override void Write(Utf8JsonWriter writer, BillingClass? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(BillingClasses.ToApi(value.Value));
        }
    }
}

internal sealed record TicketResponse(
    Guid Id, int Number, Guid ClientId, string ClientName, string Subject, TicketStatus Status, string? Technician, DateTime OpenedUtc, DateTime? ClosedUtc,
    [property: JsonConverter(typeof(NullableBillingClassJsonConverter))] BillingClass? BillingClass, int Minutes, decimal Hours, int EntryCount)
{
    public static TicketResponse From(TicketRow t) =>
        new(t.Id, t.Number, t.ClientId, t.ClientName, t.Subject, t.Status, t.Technician, t.OpenedUtc, t.ClosedUtc, t.BillingClass, t.Minutes, PsaApi.Hours(t.Minutes), t.Entries);
}

internal sealed record TimeEntryResponse(
    Guid Id, Guid TicketId, string Technician, DateOnly WorkDate, int Minutes, decimal Hours, string? Notes,
    [property: JsonConverter(typeof(NullableBillingClassJsonConverter))] BillingClass? BillingClass, string? OverrideReason, string? ExternalId)
{
    public static TimeEntryResponse From(Guid ticketId, TimeEntryRow e) =>
        new(e.Id, ticketId, e.Technician, e.WorkDate, e.Minutes, PsaApi.Hours(e.Minutes), e.Notes, e.BillingClass, e.OverrideReason, e.ExternalId);
}

/// <param name="BlockMinutesRemaining">The client's prepaid block balance today (null without blocks), shown when closing as Block Hour.</param>
internal sealed record TicketDetailResponse(
    Guid Id, int Number, Guid ClientId, string ClientName, string Subject, TicketStatus Status, string? Technician, DateTime OpenedUtc, DateTime? ClosedUtc,
    [property: JsonConverter(typeof(NullableBillingClassJsonConverter))] BillingClass? BillingClass, int Minutes, decimal Hours, int EntryCount,
    IReadOnlyList<TimeEntryResponse> Entries, int? BlockMinutesRemaining, decimal? BlockHoursRemaining)
{
    public static TicketDetailResponse From(TicketDetail d)
    {
        var t = d.Ticket;
        return new(t.Id, t.Number, t.ClientId, t.ClientName, t.Subject, t.Status, t.Technician, t.OpenedUtc, t.ClosedUtc, t.BillingClass, t.Minutes, PsaApi.Hours(t.Minutes), t.Entries,
            d.Entries.Select(e => TimeEntryResponse.From(t.Id, e)).ToList(), d.BlockMinutesRemaining, d.BlockMinutesRemaining is { } m ? PsaApi.Hours(m) : null);
    }
}

internal sealed record TicketRequest(Guid? ClientId, string? Subject, string? Technician, string? ExternalId)
{
    public Tickets.CreateRequest ToRequest() => new(ClientId ?? Guid.Empty, Subject ?? "", Technician, ExternalId);
}

/// <param name="WorkDate">YYYY-MM-DD.</param>
internal sealed record TimeEntryRequest(string? Technician, DateOnly? WorkDate, int? Minutes, string? Notes)
{
    public Tickets.TimeRequest ToRequest()
    {
        var v = new Validator();
        if (WorkDate is null)
        {
            v.Add("workDate", "Work date is required (YYYY-MM-DD).");
        }

        if (Minutes is null)
        {
            v.Add("minutes", "Minutes are required.");
        }

        v.ThrowIfInvalid();
        return new Tickets.TimeRequest(Technician ?? "", WorkDate!.Value, Minutes!.Value, Notes);
    }
}

/// <param name="BillingClass">Required: "Included" | "Billable" | "BlockHour" | "Project" | "NonBillable".</param>
internal sealed record CloseTicketRequest(string? BillingClass);

/// <param name="BillingClass">"Included" | "Billable" | "BlockHour" | "Project" | "NonBillable".</param>
internal sealed record ClassifyEntryRequest(string? BillingClass, string? Reason);

/// <param name="Entries">
/// Up to 5,000 entries <c>{ externalId, ticketId | ticketExternalId + clientId + ticketSubject, technician, workDate "YYYY-MM-DD", minutes, notes, billingClass? }</c>.
/// Each entry is read on its own: a field of the wrong type makes that entry invalid, not the batch.
/// </param>
internal sealed record TimeEntryBatchRequest(JsonElement? Entries);

internal sealed record BatchItemResponse(int Index, string? ExternalId, IngestTime.ResultStatus Status, Guid? TimeEntryId, Guid? TicketId, IReadOnlyDictionary<string, string[]>? Errors);

internal sealed record BatchResponse(int Created, int Duplicates, int Invalid, IReadOnlyList<BatchItemResponse> Items);

internal sealed record BlockRequest(Guid? ClientId, decimal? Hours, decimal? Price, DateOnly? PurchasedOn, DateOnly? ExpiresOn, decimal? OverageRate)
{
    public HourBlocks.Request ToRequest()
    {
        var v = new Validator();
        if (ClientId is null)
        {
            v.Add("clientId", "clientId is required.");
        }

        if (Hours is null)
        {
            v.Add("hours", "Hours are required.");
        }

        if (Price is null)
        {
            v.Add("price", "Price is required.");
        }

        if (PurchasedOn is null)
        {
            v.Add("purchasedOn", "The purchase date is required (YYYY-MM-DD).");
        }

        if (OverageRate is null)
        {
            v.Add("overageRate", "The overage rate is required (hourly rate of time beyond the balance).");
        }

        v.ThrowIfInvalid();
        return new HourBlocks.Request(ClientId!.Value, Hours!.Value, Price!.Value, PurchasedOn!.Value, ExpiresOn, OverageRate!.Value);
    }
}

/// <param name="LowBalance">"80" or "95" once that share of the block is used; null otherwise.</param>
internal sealed record BlockResponse(
    Guid Id, Guid ClientId, string ClientName, decimal Hours,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Price,
    DateOnly PurchasedOn, DateOnly? ExpiresOn,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal OverageRate,
    int MinutesRemaining, decimal HoursRemaining, bool Expired, string? LowBalance)
{
    public static BlockResponse From(HourBlocks.BlockRow b) => new(
        b.Id, b.ClientId, b.ClientName, b.Hours, b.Price, b.PurchasedOn, b.ExpiresOn, b.OverageRate, b.MinutesRemaining, PsaApi.Hours(b.MinutesRemaining), b.Expired,
        HourBlocks.LowBalanceLevel(b.Hours, b.MinutesRemaining));
}

internal sealed record ClassTotalResponse([property: JsonConverter(typeof(BillingClassJsonConverter))] BillingClass BillingClass, int Minutes, decimal Hours);

internal sealed record BillableTicketResponse(
    Guid TicketId, int Number, string Subject, int Minutes, int RoundedMinutes, decimal RoundedHours,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Rate,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal Amount);

internal sealed record BlockBalanceResponse(
    Guid BlockId, DateOnly PurchasedOn, DateOnly? ExpiresOn, decimal Hours, int MinutesBefore, decimal HoursBefore, int MinutesUsed, int MinutesAfter, decimal HoursAfter);

internal sealed record BlockUsageResponse(
    IReadOnlyList<BlockBalanceResponse> Items, int MinutesBefore, decimal HoursBefore, int MinutesAfter, decimal HoursAfter,
    int OverageMinutes, int OverageBilledMinutes,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal OverageRate,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal OverageAmount)
{
    public static BlockUsageResponse From(BlockDrawdownResult r) => new(
        r.Blocks.Select(b => new BlockBalanceResponse(b.BlockId, b.PurchasedOn, b.ExpiresOn, b.Hours, b.MinutesBefore, PsaApi.Hours(b.MinutesBefore), b.MinutesUsed,
            b.MinutesAfter, PsaApi.Hours(b.MinutesAfter))).ToList(),
        r.MinutesBefore, PsaApi.Hours(r.MinutesBefore), r.MinutesAfter, PsaApi.Hours(r.MinutesAfter), r.OverageMinutes, r.OverageBilledMinutes, r.OverageRate, r.OverageAmount);
}

internal sealed record OpenTicketResponse(Guid TicketId, int Number, string Subject, int Minutes, decimal Hours);

/// <summary>The included-vs-billable view of a client's month.</summary>
/// <param name="OpenTickets">Time on tickets still open: not billed until they are closed with a class (a warning).</param>
internal sealed record UsageResponse(
    Guid ClientId, string ClientName, string Period,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal HourlyRate,
    int IncrementMinutes, int MinimumMinutes,
    IReadOnlyList<ClassTotalResponse> ByClass,
    IReadOnlyList<BillableTicketResponse> BillableTickets,
    int BillableRoundedMinutes, decimal BillableHours,
    [property: JsonConverter(typeof(MoneyJsonConverter))] decimal BillableAmount,
    BlockUsageResponse? Blocks,
    IReadOnlyList<OpenTicketResponse> OpenTickets, int OpenMinutes)
{
    public static UsageResponse From(UsageView u)
    {
        var rounded = u.BillableTickets.Sum(t => t.RoundedMinutes);
        return new(u.ClientId, u.ClientName, u.PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture), u.HourlyRate, u.IncrementMinutes, u.MinimumMinutes,
            u.ByClass.Select(c => new ClassTotalResponse(c.BillingClass, c.Minutes, PsaApi.Hours(c.Minutes))).ToList(),
            u.BillableTickets.Select(t => new BillableTicketResponse(t.TicketId, t.Number, t.Subject, t.Minutes, t.RoundedMinutes, PsaApi.Hours(t.RoundedMinutes), t.Rate, t.Amount)).ToList(),
            rounded, PsaApi.Hours(rounded), u.BillableAmount,
            u.Blocks is { } b ? BlockUsageResponse.From(b) : null,
            u.OpenTickets.Select(t => new OpenTicketResponse(t.TicketId, t.Number, t.Subject, t.Minutes, PsaApi.Hours(t.Minutes))).ToList(), u.OpenMinutes);
    }
}

internal static class PsaApi
{
    public static RouteGroupBuilder MapPsaApi(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("PSA").RequireAuthorization(Policies.ApiPsa);

        tickets.MapGet("/", async (Guid? clientId, string? status, string? technician, bool? unclassified, string? search, int? page, int? pageSize, Tickets.Handler handler, CancellationToken ct) =>
        {
            var (p, size) = Paging.Normalize(page, pageSize, 50);
            var result = await handler.ListAsync(new Tickets.Query(clientId, ParseStatus(status), technician, unclassified ?? false, search, p, size), ct);
            return TypedResults.Ok(new ListResponse<TicketResponse>(result.Items.Select(TicketResponse.From).ToList(), result.Total));
        }).WithName("ListTickets");

        tickets.MapGet("/{ticketId:guid}", async (Guid ticketId, Tickets.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(TicketDetailResponse.From(await handler.GetAsync(ticketId, ct)))).WithName("GetTicket");

        tickets.MapPost("/", async (TicketRequest body, Tickets.Handler handler, CancellationToken ct) =>
        {
            var id = await handler.CreateAsync(body.ToRequest(), ct);
            return TypedResults.Created($"/api/v1/tickets/{id}", TicketDetailResponse.From(await handler.GetAsync(id, ct)));
        }).WithName("CreateTicket");

        tickets.MapPost("/{ticketId:guid}/time-entries", async (Guid ticketId, TimeEntryRequest body, Tickets.Handler handler, CancellationToken ct) =>
        {
            var request = body.ToRequest();
            var entryId = await handler.AddTimeAsync(ticketId, request, ct);
            var entry = (await handler.GetAsync(ticketId, ct)).Entries.Single(e => e.Id == entryId);
            return TypedResults.Created($"/api/v1/tickets/{ticketId}", TimeEntryResponse.From(ticketId, entry));
        }).WithName("AddTimeEntry");

        // No class, no close: a missing body, a missing class and an unknown class all answer 400 with what is expected.
        tickets.MapPost("/{ticketId:guid}/close", async (Guid ticketId, CloseTicketRequest? body, Tickets.Handler handler, CancellationToken ct) =>
        {
            var billingClass = BillingClasses.Required(body?.BillingClass,
                "Choose a billing class to close the ticket: Included, Billable, Block Hour, Project or Non-billable (\"billingClass\": \"Billable\").");
            await handler.CloseAsync(ticketId, billingClass, ct);
            return TypedResults.Ok(TicketDetailResponse.From(await handler.GetAsync(ticketId, ct)));
        }).WithName("CloseTicket");

        api.MapPut("/time-entries/{entryId:guid}/billing-class", async (Guid entryId, ClassifyEntryRequest body, Tickets.Handler handler, CancellationToken ct) =>
        {
            var billingClass = BillingClasses.Required(body.BillingClass, "billingClass is required: " + BillingClasses.Expected);
            await handler.OverrideClassAsync(entryId, billingClass, body.Reason, ct);
            return TypedResults.NoContent();
        }).WithTags("PSA").WithName("ClassifyTimeEntry").RequireAuthorization(Policies.ApiPsa);

        // Per-entry results by design: 200 with created / duplicate / invalid for each entry; only a body that is not
        // a batch at all (bad JSON, no entries array, more than 5,000 entries) answers 400.
        api.MapPost("/time-entries/batch", async (TimeEntryBatchRequest body, IngestTime.Handler handler, CancellationToken ct) =>
        {
            if (body.Entries is not { ValueKind: JsonValueKind.Array } entries)
            {
                throw ValidationFailedException.For("entries", "The body must be { \"entries\": [ ... ] }.");
            }

            if (entries.GetArrayLength() > IngestTime.MaxBatch)
            {
                throw ValidationFailedException.For("entries", $"A batch holds at most {IngestTime.MaxBatch:N0} entries; split it.");
            }

            var items = entries.EnumerateArray().Select(ReadEntry).ToList();
            var result = await handler.IngestAsync(items, ct);
            return TypedResults.Ok(new BatchResponse(result.Created, result.Duplicates, result.Invalid,
                result.Items.Select(i => new BatchItemResponse(i.Index, i.ExternalId, i.Status, i.TimeEntryId, i.TicketId, i.Errors)).ToList()));
        }).WithTags("PSA").WithName("IngestTimeEntries").RequireAuthorization(Policies.ApiPsa);

        var blocks = api.MapGroup("/block-hours").WithTags("PSA").RequireAuthorization(Policies.ApiBilling);

        blocks.MapGet("/", async (Guid? clientId, HourBlocks.Handler handler, CancellationToken ct) =>
        {
            var rows = await handler.ListAsync(clientId, ct);
            return TypedResults.Ok(new ListResponse<BlockResponse>(rows.Select(BlockResponse.From).ToList(), rows.Count));
        }).WithName("ListBlockHours");

        blocks.MapPost("/", async (BlockRequest body, HourBlocks.Handler handler, CancellationToken ct) =>
        {
            var request = body.ToRequest();
            var id = await handler.CreateAsync(request, ct);
            var row = (await handler.ListAsync(request.ClientId, ct)).Single(b => b.Id == id);
            return TypedResults.Created($"/api/v1/block-hours?clientId={request.ClientId}", BlockResponse.From(row));
        }).WithName("CreateBlockHours");

        api.MapGet("/clients/{clientId:guid}/usage/{period}", async (Guid clientId, string period, ClientUsage.Handler handler, CancellationToken ct) =>
        {
            if (!DateOnly.TryParseExact(period, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            {
                throw ValidationFailedException.For("period", $"'{period}' is not a month: use YYYY-MM, e.g. 2026-09.");
            }

            return TypedResults.Ok(UsageResponse.From(await handler.GetAsync(clientId, month.Year, month.Month, ct)));
        }).WithTags("Clients").WithName("GetClientUsage").RequireAuthorization(Policies.ApiBilling);

        return api;
    }

    public static decimal Hours(int minutes) => Math.Round(TimeRules.Hours(minutes), 2, MidpointRounding.AwayFromZero);

    private static TicketStatus? ParseStatus(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => null,
        "open" => TicketStatus.Open,
        "closed" => TicketStatus.Closed,
        _ => throw ValidationFailedException.For("status", "status must be open or closed."),
    };

    /// <summary>One batch entry, read field by field: a field of the wrong type becomes that entry's error, the rest of the batch goes on.</summary>
    internal static IngestTime.Item? ReadEntry(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors["entry"] = ["Each entry must be a JSON object."];
            return new IngestTime.Item(null, null, null, null, null, null, null, null, null, null, errors);
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        JsonElement? Field(string name) => fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        string? Text(string name, bool numbersToo = false)
        {
            switch (Field(name))
            {
                case null:
                    return null;
                case { ValueKind: JsonValueKind.String } s:
                    return s.GetString();
                case { ValueKind: JsonValueKind.Number } n when numbersToo:
                    return n.GetRawText();
                default:
                    errors[name] = [$"{name} must be a string."];
                    return null;
            }
        }

        Guid? Id(string name)
        {
            var value = Field(name);
            if (value is null)
            {
                return null;
            }

            if (value.Value.ValueKind == JsonValueKind.String && Guid.TryParse(value.Value.GetString(), out var id))
            {
                return id;
            }

            errors[name] = [$"{name} must be an id (a GUID)."];
            return null;
        }

        int? Minutes()
        {
            var value = Field("minutes");
            if (value is null)
            {
                return null;
            }

            if (value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetInt32(out var minutes))
            {
                return minutes;
            }

            errors["minutes"] = ["minutes must be a whole number of minutes (e.g. 45)."];
            return null;
        }

        DateOnly? WorkDate()
        {
            var value = Field("workDate");
            if (value is null)
            {
                return null;
            }

            if (value.Value.ValueKind == JsonValueKind.String
                && DateOnly.TryParseExact(value.Value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            errors["workDate"] = ["workDate must be a date, YYYY-MM-DD."];
            return null;
        }

        BillingClass? Class()
        {
            var value = Field("billingClass");
            if (value is null)
            {
                return null;
            }

            if (value.Value.ValueKind == JsonValueKind.String && BillingClasses.TryParse(value.Value.GetString(), out var billingClass))
            {
                return billingClass;
            }

            errors["billingClass"] = [$"Unknown billing class {value.Value.GetRawText()}: " + BillingClasses.Expected];
            return null;
        }

        var item = new IngestTime.Item(
            Text("externalId", numbersToo: true), Id("ticketId"), Text("ticketExternalId", numbersToo: true), Id("clientId"), Text("ticketSubject"),
            Text("technician"), WorkDate(), Minutes(), Text("notes"), Class());
        return errors.Count == 0 ? item : item with { Errors = errors };
    }
}
