using HealthyApi.Configuration;
using HealthyApi.Data;
using HealthyApi.Features.Notes;
using HealthyApi.Health;
using HealthyApi.Health.Checks;
using HealthyApi.Hosting;
using HealthyApi.Lifecycle;
using HealthyApi.Management;
using HealthyApi.Observability;
using HealthyApi.Probe;
using HealthyApi.Redis;

// `HealthyApi probe liveness|readiness`: the container HEALTHCHECK. Runs before any host is built.
if (args is ["probe", .. var probeArgs])
{
    return await SelfProbe.RunAsync(probeArgs);
}

ConfigurationErrors.ExitWithMessageInsteadOfStackTrace();

var builder = WebApplication.CreateBuilder(args);

builder.AddManagementPort();      // app port 8080 + management port 8081
builder.AddConnectionStrings();   // ConnectionStrings__Postgres / __Redis, validated at start
builder.AddLifecycle();           // starting → ready ⇄ draining → stopping; SIGTERM drain delay
builder.AddHealth();              // background readiness evaluation, /healthz, /readyz
builder.AddData();                // NpgsqlDataSource + EF Core; migrations under an advisory lock
builder.AddRedis();               // one shared IConnectionMultiplexer
builder.AddNotes();
builder.AddObservability();       // /metrics and OTLP export from one OpenTelemetry pipeline

// Readiness checks: one line each; anything tagged "ready" counts (community checks included).
builder.Services.AddHealthChecks()
    .AddPostgres()                // SELECT 1, 2 s
    .AddPostgresWrite()           // INSERT … ON CONFLICT DO NOTHING, 2 s
    .AddRedis();                  // PING, 1 s

builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseRequestTracing();          // route and status code on the request spans
app.UseManagementPort();          // management paths only on the management port, the API only on the app port
app.UseLifecycle();               // Connection: close while draining

app.MapHealthEndpoints();         // GET /healthz, /readyz, /readyz/{check}
app.MapAdminEndpoints();          // POST /admin/drain, /admin/resume
app.MapMetrics();                 // GET /metrics (Prometheus text 0.0.4)
app.MapServiceInfo();             // GET /
app.MapNotes();                   // /api/notes

await app.RunAsync();
return 0;

/// <summary>Entry point; public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
