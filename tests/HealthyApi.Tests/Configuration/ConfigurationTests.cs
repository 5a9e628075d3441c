using System.Net;
using System.Net.Sockets;
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

        await AssertRefusedWithoutStackTraceAsync(service);
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

        await AssertRefusedWithoutStackTraceAsync(service);
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

        await AssertRefusedWithoutStackTraceAsync(service);
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

#if (postgres || redis)
    [Fact]
    public async Task No_part_of_a_password_that_breaks_the_connection_string_syntax_is_echoed()
    {
        // An unquoted separator inside a password splits it into a bogus keyword, and the connection-string
        // parsers quote that keyword back in their errors.
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
#if (postgres)
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Password=Xq7Sup3r;Zz9Secret=Kk2Tail",
#endif
#if (redis)
            ["ConnectionStrings__Redis"] = "127.0.0.1:1,password=Xq7Sup3r,Zz9Secret=Kk2Tail",
#endif
        });

        await AssertRefusedWithoutStackTraceAsync(service);
        foreach (var fragment in new[] { "Xq7Sup3r", "Zz9Secret", "Kk2Tail" })
        {
            Assert.DoesNotContain(fragment, service.Output, StringComparison.OrdinalIgnoreCase);
        }
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

        await AssertRefusedWithoutStackTraceAsync(service);
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

        await AssertRefusedWithoutStackTraceAsync(service);
        Assert.Contains("Management__Port must differ from the app port", service.Output);
    }

    [Fact]
    public async Task Unparseable_timespan_is_refused_naming_the_setting()
    {
        await using var service = StartWithUnreachableDependencies(new Dictionary<string, string?>
        {
            ["Health__DrainDelay"] = "fifteen seconds",
        });

        await AssertRefusedWithoutStackTraceAsync(service);
        Assert.Contains("Health:DrainDelay", service.Output);
        Assert.DoesNotContain("Unhandled exception", service.Output);
    }

    [Theory]
    [InlineData("Management__Port")]
    [InlineData("ASPNETCORE_HTTP_PORTS")]
    public async Task A_port_already_in_use_stops_the_service_with_one_line_naming_the_setting_and_the_port(string setting)
    {
        using var squatter = new TcpListener(IPAddress.Any, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var service = StartWithUnreachableDependencies(new Dictionary<string, string?> { [setting] = port.ToString() });

        await AssertRefusedWithoutStackTraceAsync(service);
        Assert.Contains($"Refusing to start: {setting}: port {port} is already in use", service.Output);
    }

    [Fact]
    public async Task A_service_that_exits_while_awaited_fails_the_wait_at_once_with_its_output()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["Health__DrainDelay"] = "00:00:59" });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => service.WaitForReadyAsync(TimeSpan.FromSeconds(60)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the wait noticed the exit only after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("exited with 1", error.Message);
        Assert.Contains("Refusing to start: Health__DrainDelay", error.Message);
    }

    /// <summary>Exit code 1, the reason on "Refusing to start:" lines, and nothing a user must scroll past.</summary>
    private static async Task AssertRefusedWithoutStackTraceAsync(ServiceProcess service)
    {
        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var output = service.Output;
        Assert.Contains("Refusing to start: ", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("Hosting failed to start", output);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", output);
    }

    /// <summary>Starts the service with well-formed connection strings that lead nowhere, plus <paramref name="settings"/>.</summary>
    private static ServiceProcess StartWithUnreachableDependencies(Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in RegisteredChecks.UnreachableDependencies())
        {
            settings[key] = value;
        }

        return ServiceProcess.Start(settings);
    }
}
