using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Configuration;

/// <summary>Bad configuration: the process refuses to start, exits non-zero, and names the setting to fix.</summary>
public sealed class ConfigurationTests
{
#if (postgres)
    [Fact]
    public async Task Missing_postgres_connection_string_stops_the_service_naming_the_setting()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
#if (redis)
            ["ConnectionStrings__Redis"] = "127.0.0.1:1",
#endif
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("ConnectionStrings__Postgres is not set", service.Output);
    }

#endif
#if (redis)
    [Fact]
    public async Task Missing_redis_connection_string_stops_the_service_naming_the_setting()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
#if (postgres)
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1",
#endif
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("ConnectionStrings__Redis is not set", service.Output);
    }

#endif
#if (postgres || redis)
    [Fact]
    public async Task Malformed_connection_strings_stop_the_service_without_echoing_them()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
#if (postgres)
            ["ConnectionStrings__Postgres"] = "Hots=db;Password=hunter2-secret",
#endif
#if (redis)
            ["ConnectionStrings__Redis"] = "127.0.0.1:1,bogus=1,password=hunter3-secret",
#endif
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
#if (postgres)
        Assert.Contains("ConnectionStrings__Postgres is not a valid Npgsql connection string", service.Output);
        Assert.DoesNotContain("hunter2-secret", service.Output);
#endif
#if (redis)
        Assert.Contains("ConnectionStrings__Redis is not a valid StackExchange.Redis connection string", service.Output);
        Assert.DoesNotContain("hunter3-secret", service.Output);
#endif
    }

#endif

    [Fact]
    public async Task Drain_delay_and_shutdown_timeout_that_overrun_the_grace_period_stop_the_service()
    {
        await using var service = StartWithUnreachableDependencies(new Dictionary<string, string?>
        {
            ["Health__DrainDelay"] = "00:00:30",
            ["Health__ShutdownTimeout"] = "00:00:30",
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Health__DrainDelay (30 s) + Health__ShutdownTimeout (30 s)", service.Output);
        Assert.Contains("does not fit in Health__TerminationGracePeriod (60 s)", service.Output);
    }

    [Fact]
    public async Task Management_port_equal_to_the_app_port_is_refused()
    {
        await using var service = StartWithUnreachableDependencies(new Dictionary<string, string?>
        {
            ["ASPNETCORE_HTTP_PORTS"] = "18123",
            ["Management__Port"] = "18123",
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Management__Port must differ from the app port", service.Output);
    }

    [Fact]
    public async Task Unparseable_timespan_is_refused_naming_the_setting()
    {
        await using var service = StartWithUnreachableDependencies(new Dictionary<string, string?>
        {
            ["Health__DrainDelay"] = "fifteen seconds",
        });

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Health:DrainDelay", service.Output);
        Assert.DoesNotContain("Unhandled exception", service.Output);
    }

    /// <summary>Starts the service with well-formed connection strings that lead nowhere, plus <paramref name="settings"/>.</summary>
    private static ServiceProcess StartWithUnreachableDependencies(Dictionary<string, string?> settings)
    {
#if (postgres)
        settings["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1";
#endif
#if (redis)
        settings["ConnectionStrings__Redis"] = "127.0.0.1:1";
#endif
        return ServiceProcess.Start(settings);
    }
}
