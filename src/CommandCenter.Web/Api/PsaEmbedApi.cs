using CommandCenter.Psa;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record EmbedLinkResponse(string Url, DateTime ExpiresUtc);

internal sealed record EmbedSettings(IReadOnlyList<string>? AllowedOrigins);

internal static class PsaEmbedApi
{
    public static RouteGroupBuilder MapPsaEmbedApi(this RouteGroupBuilder api)
    {
        // A signed link to the embeddable close of one ticket, valid 15 minutes (for the automation that opens it in the external PSA).
        api.MapPost("/tickets/{ticketId:guid}/embed-link", async (Guid ticketId, HttpRequest request, EmbedClose.Handler handler, CancellationToken ct) =>
        {
            var link = await handler.CreateLinkAsync(ticketId, ct);
            return TypedResults.Ok(new EmbedLinkResponse($"{request.Scheme}://{request.Host}{link.Path}", link.ExpiresUtc));
        }).WithTags("PSA").WithName("CreateEmbedLink").RequireAuthorization(Policies.ApiPsa);

        api.MapGet("/psa/embed-settings", async (EmbedClose.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(new EmbedSettings(await handler.GetOriginsAsync(ct)))).WithTags("PSA").WithName("GetEmbedSettings").RequireAuthorization(Policies.ApiOwner);

        api.MapPut("/psa/embed-settings", async (EmbedSettings body, EmbedClose.Handler handler, CancellationToken ct) =>
        {
            await handler.SetOriginsAsync(body.AllowedOrigins, ct);
            return TypedResults.Ok(new EmbedSettings(await handler.GetOriginsAsync(ct)));
        }).WithTags("PSA").WithName("SetEmbedSettings").RequireAuthorization(Policies.ApiOwner);
        return api;
    }
}
