using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 written by hand, for requests HttpClient will not send as written: a path with percent-encoding
/// it would normalise, a body that claims more than it sends, headers that never finish.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> (head, and any body) and returns the status code of the answer.</summary>
    public static async Task<int> SendAsync(int port, string request, TimeSpan? timeout = null)
    {
        using var socket = await ConnectAsync(port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return await ReadStatusAsync(socket, timeout ?? TimeSpan.FromSeconds(10));
    }

    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>The status code of the first response line on <paramref name="socket"/>.</summary>
    public static async Task<int> ReadStatusAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (read == 0)
            {
                throw new IOException($"the server closed the connection before answering; received: '{received}'");
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // "HTTP/1.1 404 Not Found"
        return int.Parse(received.ToString().Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
