using System.Net;
using HealthyApi.Tests.Infrastructure;
#if (postgres)
using static HealthyApi.Tests.Infrastructure.FaultRig;
#endif

namespace HealthyApi.Tests.Health;

/// <summary>/startupz means "start-up work is done", once and for good; readiness alone follows the dependencies.</summary>
public sealed class StartupProbeTests
{
    [Fact]
    public async Task Startup_stays_200_while_readiness_leaves_rotation()
    {
        await using var service = await ServiceProcess.StartWithSharedServersAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.Management.GetAsync("/startupz")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await service.Management.PostAsync("/admin/drain", null)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await service.ReadinessAsync()).Status);
        var (status, body) = await service.GetJsonAsync(service.Management, "/startupz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("started", body.GetProperty("status").GetString());
        using var head = await service.Management.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/startupz"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.App.GetAsync("/startupz")).StatusCode);
    }
#if (postgres)

    [Fact]
    public async Task A_database_outage_after_start_up_fails_readiness_but_not_the_startup_probe()
    {
        await using var rig = await StartAsync();

        await rig.Postgres.StopAsync();
        await rig.ReadinessUntilAsync((code, _) => code == HttpStatusCode.ServiceUnavailable, Period * 3, "readiness to fail without PostgreSQL");
        Assert.Equal(HttpStatusCode.OK, (await rig.Service.Management.GetAsync("/startupz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rig.Service.Management.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Startup_is_503_until_the_migrations_are_applied()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        await postgres.StopAsync(); // absent when the service starts

        var settings = await SharedServers.ServiceSettingsAsync();
        settings["ConnectionStrings__Postgres"] = database;
        await using var service = ServiceProcess.Start(settings);
        await Poll.UntilAsync(async () => (await service.Management.GetAsync("/healthz")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the service to listen");
        await Poll.UntilAsync(() => Task.FromResult(service.Output), o => o.Contains("Start-up task migrations failed"), TimeSpan.FromSeconds(20), "a failed migration attempt");
        var (status, body) = await service.GetJsonAsync(service.Management, "/startupz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("starting", body.GetProperty("status").GetString());

        await postgres.StartAgainAsync();
        await Poll.UntilAsync(async () => (await service.Management.GetAsync("/startupz")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(40),
            "/startupz to turn 200 once the migrations are applied");
        Assert.Contains("migration(s)", service.Output);
    }
#endif
}
