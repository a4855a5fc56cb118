using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CommandCenter.Imports;
using CommandCenter.VendorSync;
using CommandCenter.Web.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Infrastructure;

/// <summary>How large a request body may be (<c>RequestLimits</c> in configuration).</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "RequestLimits";

    /// <summary>Any request (sign-in and other forms, anything not under the API). Also Kestrel's own limit.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>A JSON body of the REST API (the file-like endpoints below have their own).</summary>
    [Range(1024, long.MaxValue)]
    public long ApiBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>POST /api/v1/time-entries/batch</c>: 5,000 entries at about 1 KB each.</summary>
    [Range(1024, long.MaxValue)]
    public long TimeEntryBatchBytes { get; set; } = 5 * 1024 * 1024;
}

/// <summary>
/// Refuses a request body over its endpoint's limit with 413 problem details: by its Content-Length before the
/// endpoint runs (Kestrel then reads and drops the rest, within its own limit, so the client gets the answer rather than
/// a reset connection), else (chunked) when reading passes the limit — Kestrel stops the read, and a response that has
/// not started yet becomes the 413. Nothing is written: every endpoint reads its body before it saves anything.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options, IProblemDetailsService problems)
{
    /// <summary>The file-like API endpoints take what their importer takes (it refuses more itself).</summary>
    private static readonly Dictionary<string, long> ByEndpoint = new(StringComparer.Ordinal)
    {
        ["ImportBillingSheet"] = BillingSheetImport.MaxFileBytes,
        ["ImportFirewallInventory"] = ConnectionActions.Handler.MaxFirewallCsvBytes,
        ["ImportAccountingLists"] = AccountingApi.MaxIifBytes,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        var limit = LimitFor(context, options.Value);
        if (context.Request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        var body = new WatchedBody(context.Request.Body);
        context.Request.Body = body;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, limit);
            return;
        }
        finally
        {
            context.Request.Body = body.Inner;
        }

        // Minimal APIs read a JSON body themselves and answer nothing when the read fails (an I/O error): make it the 413.
        if (body.TooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, limit);
        }
    }

    internal static long LimitFor(HttpContext context, RequestLimitsOptions limits)
    {
        if (!context.IsApiRequest())
        {
            return limits.MaxBodyBytes;
        }

        var name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        return name switch
        {
            null => limits.ApiBodyBytes,
            "IngestTimeEntries" => limits.TimeEntryBatchBytes,
            _ => ByEndpoint.GetValueOrDefault(name, limits.ApiBodyBytes),
        };
    }

    private async Task TooLargeAsync(HttpContext context, long limit)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = $"This endpoint takes a body of at most {Size(limit)}; nothing was saved.",
            },
        });
    }

    internal static string Size(long bytes) => bytes % (1024 * 1024) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024 / 1024} MB")
        : bytes % 1024 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KB") : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");

    /// <summary>Notes whether Kestrel refused a read for size (the endpoint may swallow the exception).</summary>
    private sealed class WatchedBody(Stream inner) : Stream
    {
        public Stream Inner { get; } = inner;

        public bool TooLarge { get; private set; }

        public override bool CanRead => Inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Watch(() => Inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            await ReadAsync(buffer.AsMemory(offset, count), cancellationToken);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await Inner.ReadAsync(buffer, cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                TooLarge = true;
                throw;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Watch(Func<int> read)
        {
            try
            {
                return read();
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                TooLarge = true;
                throw;
            }
        }
    }
}

internal static class RequestLimitsSetup
{
    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var max = builder.Configuration.GetSection(RequestLimitsOptions.SectionName).Get<RequestLimitsOptions>()?.MaxBodyBytes ?? new RequestLimitsOptions().MaxBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = max);
        return builder;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestLimitsMiddleware>();
}
