using HealthyApi.Configuration;
#if (postgres)
using HealthyApi.Data;
#endif
using HealthyApi.Features.Notes;
using HealthyApi.Health;
using HealthyApi.Health.Checks;
using HealthyApi.Hosting;
using HealthyApi.Lifecycle;
using HealthyApi.Management;
using HealthyApi.Observability;
using HealthyApi.Probe;
#if (redis)
using HealthyApi.Redis;
#endif

// `HealthyApi probe liveness|readiness`: the container HEALTHCHECK. Runs before any host is built.
if (args is ["probe", .. var probeArgs])
{
    return await SelfProbe.RunAsync(probeArgs);
}
#if (!drainDelayFits)
#error The template option --drain-delay must be 0-25 seconds: drain delay + 30 s in-flight timeout + 5 s exit margin must fit the 60 s termination grace period. Set Health__DrainDelay, Health__ShutdownTimeout and Health__TerminationGracePeriod (and the chart's values) together, then delete this line.
#endif

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter(StartupErrors.HostLogCategory, LogLevel.None); // start-up failures are reported below
try
{
    builder.AddLifecycle();           // first, so SIGTERM drains from here on; starting → ready ⇄ draining → stopping
    builder.AddManagementPort();      // app port 8080 + management port 8081
#if (postgres || redis)
    builder.AddConnectionStrings();   // ConnectionStrings__<Dependency>, validated at start
#endif
    builder.AddHealth();              // background readiness evaluation, /healthz, /readyz
#if (postgres)
    builder.AddData();                // NpgsqlDataSource + EF Core; migrations under an advisory lock
#endif
#if (redis)
    builder.AddRedis();               // one shared IConnectionMultiplexer
#endif
    builder.AddNotes();
    builder.AddObservability();       // /metrics and OTLP export from one OpenTelemetry pipeline

    // Readiness checks: one line each; anything tagged "ready" counts (community checks included).
    var checks = builder.Services.AddHealthChecks();
#if (postgres)
    checks.AddPostgres();             // SELECT 1, 2 s
    checks.AddPostgresWrite();        // INSERT … ON CONFLICT DO NOTHING, 2 s
#endif
#if (redis)
    checks.AddRedis();                // PING, 1 s
#endif
    checks.AddMarkedChecks(typeof(Program).Assembly); // classes marked [ReadinessCheck]: `dotnet new healthy-check -n Name` adds one

    builder.Services.AddProblemDetails();

    var app = builder.Build();

    app.UseRequestTracing();          // route and status code on the request spans
    app.UseStatusCodePages();         // an error without a body (400 from a bad body, 404, 405, 413) answers with ProblemDetails
    app.UseManagementPort();          // management paths only on the management port, the API only on the app port
    app.UseLifecycle();               // Connection: close while draining

    app.MapHealthEndpoints();         // GET /healthz, /readyz, /readyz/{check}
    app.MapAdminEndpoints();          // POST /admin/drain, /admin/resume
    app.MapMetrics();                 // GET /metrics (Prometheus text 0.0.4)
    app.MapServiceInfo();             // GET /
    app.MapNotes();                   // /api/notes

    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupErrors.Describe(ex, builder.Configuration) is { } problems)
{
    // A setting the user must fix (invalid value, busy port): one line each, exit 1, no stack trace.
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"Refusing to start: {problem}");
    }

    return 1;
}

/// <summary>Entry point; public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
