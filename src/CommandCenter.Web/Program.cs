using CommandCenter.Clients;
using CommandCenter.Demo;
using CommandCenter.Imports;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using CommandCenter.Web.Api;
using CommandCenter.Web.Components;
using CommandCenter.Web.Components.Account;
using CommandCenter.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddPersistence();
builder.AddTenancy();
builder.AddClients();
builder.AddImports();
builder.AddVendorSync();
builder.AddDemo();
builder.AddWebIdentity();
builder.AddWebUi();
builder.AddApi();

var app = builder.Build();

await app.InitializeDatabaseAsync();

app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/Error", CreateScopeForErrors = true, AllowStatusCode404Response = true });
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseWhen(context => context.IsApiRequest(), api => api.UseStatusCodePages());
app.UseAuthentication();
app.UseMiddleware<TenantPrincipalMiddleware>();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapApiV1();
app.MapAccountEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
