using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddPersistence();
builder.AddTenancy();
builder.AddClients();
builder.AddWebIdentity();

var app = builder.Build();
app.Run();

public partial class Program;
