using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// Ports for the servers and services the tests start. Not the kernel's pick (bind to port 0): that comes
/// from the ephemeral range, which every outgoing connection also draws from, so between choosing a port
/// and the service binding it, one of the thousands of client sockets a flood test opens (here or in a
/// parallel run) can take it, and the service refuses to start on a busy port. So: a random port outside the
/// ephemeral range, free right now, and never handed out twice by this process.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly (int Low, int High) Range = OutsideEphemeralRange();

    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(Range.Low, Range.High);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port) || !CanBind(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"no free TCP port in {Range.Low}-{Range.High} after 200 tries");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Ports outside <c>net.ipv4.ip_local_port_range</c> (32768-60999 by default): below it when there is room, else above.</summary>
    private static (int Low, int High) OutsideEphemeralRange()
    {
        var (low, high) = (32768, 60999);
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            (low, high) = (int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // no procfs: assume the default range
        }

        return low >= 12000 ? (10000, low) : high <= 63535 ? (high + 1, 65536) : (1024, 65536);
    }

    public static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
