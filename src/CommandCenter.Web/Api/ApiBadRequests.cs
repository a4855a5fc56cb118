using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace CommandCenter.Web.Api;

/// <summary>
/// A request the API could not even bind — malformed JSON, a value of the wrong type, no body, a body that is not
/// JSON — answered as problem details that name the field and what was expected (400 / 415 / 413), never a 500 and
/// never a bare status.
/// </summary>
internal static partial class ApiBadRequests
{
    /// <summary>
    /// Around every endpoint: a binding failure on /api becomes its problem details; anywhere else (pages, embed,
    /// simulators) it stays the bare status the framework gave before binding failures were made to throw.
    /// </summary>
    public static IApplicationBuilder UseBadRequests(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = bad.StatusCode;
            if (!context.IsApiRequest())
            {
                return;
            }

            var problem = Describe(bad);
            problem.Status = bad.StatusCode;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>()
                .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = bad });
        }
    });

    /// <summary>Problems written without a detail (a route that does not exist, a wrong method) get a sentence of why.</summary>
    public static void AddMissingDetail(ProblemDetailsContext context)
    {
        if (!context.HttpContext.IsApiRequest() || context.ProblemDetails.Detail is not null
            || context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 })
        {
            return;
        }

        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing is found at {context.HttpContext.Request.Path}: check the route and that every id in it is a GUID of this tenant.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
            _ => null,
        };
    }

    private static ProblemDetails Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ProblemDetails { Title = "Unsupported media type", Detail = "Send the body as JSON with Content-Type: application/json." };
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails { Title = "Request body too large", Detail = "The request body is larger than this endpoint accepts." };
        }

        if (bad.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            var message = field is null
                ? "The request body is not valid JSON: " + Sentence(json.Message)
                : $"{field} has the wrong type or format: expected {Expected(json.Message)}.";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field ?? "body"] = [message] })
            {
                Title = "One or more validation errors occurred.",
                Detail = message,
            };
        }

        // No body where one is required, or a route / query value that does not convert ("Failed to bind parameter …").
        var detail = bad.Message.Contains("was not provided from body", StringComparison.Ordinal) || bad.Message.Contains("no body was provided", StringComparison.Ordinal)
            ? "This request needs a JSON body."
            : bad.Message;
        return new ProblemDetails { Title = "Bad request", Detail = detail };
    }

    /// <summary><c>$.quantitySource.quantity</c> → <c>quantitySource.quantity</c>; <c>$</c> (the body itself) → null.</summary>
    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? null : field;
    }

    private static string Expected(string message)
    {
        var type = ConvertedTo().Match(message) is { Success: true } m ? m.Groups[1].Value : "";
        return type switch
        {
            _ when type.Contains("Decimal", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) => "a number",
            _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("DateOnly", StringComparison.Ordinal) => "a date written YYYY-MM-DD",
            _ when type.Contains("DateTime", StringComparison.Ordinal) => "a date and time (ISO 8601)",
            _ when type.Contains("Guid", StringComparison.Ordinal) => "an id (a GUID)",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("String", StringComparison.Ordinal) => "a string",
            _ when type.Contains("IReadOnlyList", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) => "a list",
            _ when type.Contains("CommandCenter", StringComparison.Ordinal) && !type.Contains("Request", StringComparison.Ordinal) && !type.Contains("Dto", StringComparison.Ordinal) => "one of the documented values",
            _ when type.Length > 0 => "an object",
            _ => "the documented type (" + Sentence(message) + ")",
        };
    }

    /// <summary>The JSON reader's message without its " Path: … | LineNumber: …" tail.</summary>
    private static string Sentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    [GeneratedRegex(@"converted to ([^\s]+?)\.?\s+Path", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();
}
