using HealthyApi.Errors;
using Microsoft.AspNetCore.Connections;

namespace HealthyApi.Management;

/// <summary>
/// How many connections one listener holds at once. Kestrel's own limit counts every listener together,
/// so a flood of the app port would also lock out the kubelet's probes; each listener gets its own budget
/// instead. A connection over budget is closed as soon as it is accepted (its descriptor is not kept).
/// </summary>
public sealed class ConnectionBudget
{
    private readonly string _listener;
    private readonly int _limit;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals;
    private long _open;

    public ConnectionBudget(string listener, int limit, TimeProvider time, ILogger logger)
    {
        _listener = listener;
        _limit = limit;
        _refusals = new LogThrottle(TimeSpan.FromSeconds(10), time);
        _logger = logger;
    }

    public ConnectionDelegate Guard(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _open) > _limit)
        {
            Interlocked.Decrement(ref _open);
            Refused();
            await connection.Transport.Output.CompleteAsync();
            await connection.Transport.Input.CompleteAsync();
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };

    private void Refused()
    {
        if (_refusals.ShouldLog(out var skipped))
        {
            _logger.LogWarning("The {Listener} port is at its limit of {Limit} connections: a new one was closed on accept ({Skipped} more since the last warning; Limits__{Listener}Connections)",
                _listener, _limit, skipped, _listener);
        }
    }
}
