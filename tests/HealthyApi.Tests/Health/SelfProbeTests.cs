using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Health;

/// <summary>`HealthyApi probe liveness|readiness`: the Dockerfile's HEALTHCHECK, run as the image runs it.</summary>
public sealed class SelfProbeTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData("liveness")]
    [InlineData("readiness")]
    public async Task Probe_exits_0_against_a_healthy_service(string kind)
    {
        Assert.Equal(0, await ProbeAsync(kind, fixture.Service.ManagementPort));
    }

    [Fact]
    public async Task Probe_exits_1_when_nothing_answers()
    {
        Assert.Equal(1, await ProbeAsync("liveness", FreePort.Next()));
    }

    [Fact]
    public async Task Probe_exits_1_against_a_draining_service_and_0_again_after_resume()
    {
        await using var service = await ServiceProcess.StartWithSharedServersAsync();
        (await service.Management.PostAsync("/admin/drain", null)).EnsureSuccessStatusCode();
        Assert.Equal(1, await ProbeAsync("readiness", service.ManagementPort));
        Assert.Equal(0, await ProbeAsync("liveness", service.ManagementPort));

        (await service.Management.PostAsync("/admin/resume", null)).EnsureSuccessStatusCode();
        Assert.Equal(0, await ProbeAsync("readiness", service.ManagementPort));
    }

    private static async Task<int> ProbeAsync(string kind, int managementPort)
    {
        await using var probe = ServiceProcess.Start(
            new Dictionary<string, string?> { ["Management__Port"] = managementPort.ToString() }, args: ["probe", kind]);
        return await probe.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
