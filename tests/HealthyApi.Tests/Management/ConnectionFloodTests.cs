using System.Net;
using System.Net.Sockets;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Management;

/// <summary>
/// Idle connections are cheap to open and cost the server memory and descriptors: a flood of the app port
/// must be shed at the app port's own budget while the management port keeps answering probes.
/// </summary>
public sealed class ConnectionFloodTests
{
    [Fact]
    public async Task An_idle_connection_flood_is_shed_at_the_app_ports_budget_and_probes_keep_answering()
    {
        const int Budget = 300, Flood = 900;
        await using var service = await ServiceProcess.StartWithSharedServersAsync(new Dictionary<string, string?> { ["Limits__AppConnections"] = Budget.ToString() });

        var sockets = await OpenIdleAsync(service.AppPort, Flood);
        try
        {
            await AssertProbesAnswerAsync(service);
            var open = await Poll.UntilAsync(() => Task.FromResult(StillOpen(sockets)), n => n <= Budget, TimeSpan.FromSeconds(15),
                $"the app port to close the connections beyond its budget of {Budget}");
            Assert.True(open >= Budget - 30, $"only {open} of {Flood} connections stayed open; the budget is {Budget}");
            Assert.Contains("at its limit of 300 connections", service.Output);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        // Once the flood is gone the API serves again.
        await Poll.UntilAsync(async () => (await service.App.GetAsync("/")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "the API to answer after the flood");
        Assert.False(service.HasExited);
    }

    [Fact]
    public async Task At_a_low_file_descriptor_limit_a_flood_beyond_it_neither_kills_the_process_nor_silences_the_probes()
    {
        // 512 descriptors: the app port's budget is capped below that, leaving room for probes and the database.
        await using var service = ServiceProcess.Start(await SharedServers.ServiceSettingsAsync(), launcher: ["prlimit", "--nofile=512:512", "--"]);
        await service.WaitForReadyAsync();
        Assert.Contains("file-descriptor limit is 512", service.Output);

        var sockets = await OpenIdleAsync(service.AppPort, 1200);
        try
        {
            await AssertProbesAnswerAsync(service);
            Assert.False(service.HasExited, "the flood killed the service");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    private static async Task<List<Socket>> OpenIdleAsync(int port, int count)
    {
        var sockets = new List<Socket>(count);
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sockets.Add(socket);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
                // A full accept queue may refuse some: that is the server protecting itself, not a failure.
            }
        }

        return sockets;
    }

    /// <summary>Connections the server has not closed: a closed one reads end-of-stream at once.</summary>
    private static int StillOpen(List<Socket> sockets) => sockets.Count(socket =>
    {
        if (!socket.Connected)
        {
            return false;
        }

        try
        {
            return !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);
        }
        catch (SocketException)
        {
            return false;
        }
    });

    /// <summary>Ten liveness and ten readiness probes on the management port, each answered.</summary>
    private static async Task AssertProbesAnswerAsync(ServiceProcess service)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await service.Management.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await service.Management.GetAsync("/readyz")).StatusCode);
        }
    }
}
