using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.Imports;
using CommandCenter.Simulators;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using CommandCenter.Web.Api;
using CommandCenter.Web.Components;
using CommandCenter.Web.Components.Account;
using CommandCenter.Web.Features.Accounting;
using CommandCenter.Web.Features.Audit;
using CommandCenter.Web.Features.Billing.Review;
using CommandCenter.Web.Features.Psa.Embed;
using CommandCenter.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddPersistence();
builder.AddTenancy();
builder.AddClients();
builder.AddImports();
builder.AddVendorSync();
builder.AddPsa();
builder.AddBilling();
builder.AddAccounting();
builder.AddDemo();
builder.AddWebIdentity();
builder.AddWebUi();
builder.AddApi();
builder.AddRequestLimits();
builder.AddRateLimits();
// Outgoing calls carry tenants' credentials: they are logged without headers (see HttpClientLogging).
builder.Services.AddRedactedHttpClientLogging();

// Demo mode: the vendors' simulators run inside the app under /sim (never outside demo mode); counts drift slowly.
var demo = builder.Configuration.GetValue<bool>("Demo:Enabled");
if (demo)
{
    var simulators = builder.Configuration.GetSection(SimulatorOptions.SectionName);
    var driftMinutes = builder.Configuration.GetValue("Demo:DriftMinutes", 2.0);
    builder.Services.AddVendorSimulators(o =>
    {
        o.DriftInterval = driftMinutes > 0 ? TimeSpan.FromMinutes(driftMinutes) : null;
        simulators.Bind(o);
    });
}

// Behind the deploy/ reverse proxy (the only thing that can reach the instances), the client's scheme, host and address
// come from X-Forwarded-*: OAuth redirect URIs, cookies and links then use the public address.
var forwarded = builder.Configuration.GetValue<bool>("ForwardedHeaders:Enabled");
if (forwarded)
{
    builder.Services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
    {
        o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
            | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
            | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
        o.KnownIPNetworks.Clear();
        o.KnownProxies.Clear();
    });
}

var app = builder.Build();

await app.InitializeDatabaseAsync();
if (forwarded)
{
    app.UseForwardedHeaders();
}

app.UseSecurityHeaders();
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/Error", CreateScopeForErrors = true, AllowStatusCode404Response = true });
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseBadRequests();
app.UseWhen(context => context.IsApiRequest(), api => api.UseStatusCodePages());
app.UseRequestLimits();
app.UseAuthentication();
app.UseMiddleware<TenantPrincipalMiddleware>();
app.UseAuthorization();
// After authorization: the API key's claims are on the request by then (each key has its own bucket).
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapApiV1();
app.MapAccountEndpoints();
app.MapEmbedEndpoints();
app.MapBillingExport();
app.MapAccountingOAuth();
app.MapAuditExport();
if (demo)
{
    app.MapVendorSimulators(DemoVendors.SimulatorPrefix);
}

app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
