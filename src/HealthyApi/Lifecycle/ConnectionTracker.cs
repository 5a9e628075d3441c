using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace HealthyApi.Lifecycle;

/// <summary>
/// Connections with no request in progress never hold shutdown. When the drain delay ends, Kestrel closes
/// idle keep-alive connections itself, but waits the whole shutdown timeout for one whose request has not
/// finished arriving: a client that sent half its headers (slow, stalled or malicious) kept the process alive
/// 30 s. So when the host starts stopping, every connection with no request in the application is closed;
/// requests already being handled finish as before.
/// </summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<string, Tracked> _connections = new(StringComparer.Ordinal);

    public ConnectionTracker(IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.Register(CloseIdle);

    /// <summary>Kestrel connection middleware: every connection of the listeners it is added to is known here.</summary>
    public ConnectionDelegate Track(ConnectionDelegate next) => async connection =>
    {
        _connections[connection.ConnectionId] = new Tracked(connection);
        try
        {
            await next(connection);
        }
        finally
        {
            _connections.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>
    /// Marks a request of <paramref name="connectionId"/> as in the application until the returned scope ends.
    /// A request on a connection the tracker does not know (an in-memory test server has no connection id) is not tracked.</summary>
    public IDisposable RequestInProgress(string? connectionId) =>
        connectionId is not null && _connections.TryGetValue(connectionId, out var tracked) ? tracked.Enter() : NoScope.Instance;

    private void CloseIdle()
    {
        foreach (var tracked in _connections.Values)
        {
            tracked.AbortIfIdle();
        }
    }

    private sealed class Tracked(ConnectionContext connection) : IDisposable
    {
        private int _requests;

        public IDisposable Enter()
        {
            Interlocked.Increment(ref _requests);
            return this;
        }

        public void Dispose() => Interlocked.Decrement(ref _requests);

        public void AbortIfIdle()
        {
            if (Volatile.Read(ref _requests) == 0)
            {
                connection.Abort(new ConnectionAbortedException("The server is shutting down and this connection has no request in progress."));
            }
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose()
        {
        }
    }
}
