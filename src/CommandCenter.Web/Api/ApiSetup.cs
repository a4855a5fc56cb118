using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Common;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace CommandCenter.Web.Api;

internal static class ApiSetup
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
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
            .WithTags("v1");
        api.MapClientsApi();
        api.MapCatalogApi();
        api.MapImportsApi();
        return app;
    }

    public static bool IsApiRequest(this HttpContext context) => context.Request.Path.StartsWithSegments("/api");
}

/// <summary>Turns the domain's exceptions into problem details for API callers (400 / 404 / 409), never a 500.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.IsApiRequest())
        {
            return false;
        }

        ProblemDetails? problem = exception switch
        {
            ValidationFailedException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more validation errors occurred.",
            },
            NotFoundException n => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = n.Message },
            ConflictException c => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = c.Message },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request", Detail = Describe(b) },
            UnauthorizedAccessException => new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = "No tenant is signed in." },
            JsonException j => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The request body is not valid JSON: " + j.Message },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static string Describe(BadHttpRequestException b) =>
        b.InnerException is JsonException j ? "The request body is not valid JSON: " + j.Message : b.Message;
}

/// <summary>Money in API JSON: a number with at least 2 and at most 4 decimals.</summary>
internal sealed class MoneyJsonConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
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
            writer.WriteRawValue(value.Value.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>The list envelope of the API: <c>{ "items": [...], "total": N }</c>.</summary>
internal sealed record ListResponse<T>(IReadOnlyList<T> Items, int Total);
