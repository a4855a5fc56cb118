using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Common;
using CommandCenter.Web.Infrastructure;
using Microsoft.OpenApi;

namespace CommandCenter.Web.Api;

internal static class ApiSetup
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiBadRequests.AddMissingDetail);
        // Binding failures (bad JSON, wrong types, wrong content type) throw, so ApiBadRequests can say which field was
        // wrong and why, as a 400 / 415 problem (app.UseBadRequests() in Program.cs, which answers /api requests only); left to the framework they would be a bare 400 without a word of why.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Command Center API";
            document.Info.Description = "Tenant-scoped REST API. Authenticate with a tenant API key in the X-Api-Key header. Errors are RFC 9457 problem details.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "A tenant API key (Settings → API keys).",
            };
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapApiV1(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(Policies.Api)
            .DisableAntiforgery()
            .AddEndpointFilter(ApiErrors.FilterAsync)
            .WithTags("v1");
        api.MapClientsApi();
        api.MapCatalogApi();
        api.MapImportsApi();
        api.MapVendorSyncApi();
        api.MapPsaEmbedApi();
        api.MapPsaApi();
        api.MapBillingApi();
        api.MapPostingApi();
        api.MapAccountingApi();
        api.MapAuditApi();
        return app;
    }

    public static bool IsApiRequest(this HttpContext context) => context.Request.Path.StartsWithSegments("/api");
}

/// <summary>Turns the domain's exceptions into problem details for API callers (400 / 401 / 404 / 409, 503 when the database stays busy), never a 500.</summary>
internal static class ApiErrors
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ValidationFailedException v)
        {
            return TypedResults.ValidationProblem(v.Errors.ToDictionary(e => e.Key, e => e.Value), title: "One or more validation errors occurred.");
        }
        catch (NotFoundException n)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: n.Message);
        }
        catch (ConflictException c)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: c.Message);
        }
        catch (Exception e) when (CommandCenter.Persistence.DatabaseBusy.Is(e))
        {
            // The write waited the whole busy timeout and was refused whole (its transaction rolled back).
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database busy", detail: CommandCenter.Persistence.DatabaseBusy.Message);
        }
        catch (UnauthorizedAccessException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "No tenant is signed in.");
        }
    }
}

/// <summary>Money in API JSON: a number with at least 2 and at most 4 decimals.</summary>
internal sealed class MoneyJsonConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => WriteMoney(writer, value);

    public static void WriteMoney(Utf8JsonWriter writer, decimal value) =>
        writer.WriteRawValue(value.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture));
}

internal sealed class NullableMoneyJsonConverter : JsonConverter<decimal?>
{
    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            MoneyJsonConverter.WriteMoney(writer, value.Value);
        }
    }
}

/// <summary>The list envelope of the API: <c>{ "items": [...], "total": N }</c>.</summary>
internal sealed record ListResponse<T>(IReadOnlyList<T> Items, int Total);
