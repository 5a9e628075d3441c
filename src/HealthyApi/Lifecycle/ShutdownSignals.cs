using System.Runtime.InteropServices;

namespace HealthyApi.Lifecycle;

/// <summary>
/// Takes SIGTERM, SIGINT, SIGQUIT and SIGHUP away from the runtime (whose default ends the process at
/// once, exit 143 or 129, with no drain) as early as the builder, and hands them to whoever subscribes
/// (<see cref="GracefulShutdownLifetime"/>, once the host starts). A signal that arrives before that is
/// kept and handed over on subscription. SIGHUP (a closed terminal, some supervisors) drains like SIGTERM.
/// Before Program.cs runs at all, the runtime's default still applies.
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly List<PosixSignal> _early = [];
    private Action<PosixSignal>? _handler;

    public ShutdownSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    /// <summary>From now on each signal goes to <paramref name="handler"/>, starting with those that came before.</summary>
    public void Subscribe(Action<PosixSignal> handler)
    {
        PosixSignal[] early;
        lock (_gate)
        {
            _handler = handler;
            early = [.. _early];
            _early.Clear();
        }

        foreach (var signal in early)
        {
            handler(signal);
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the runtime's default action (terminate): the lifecycle decides when to stop.
        context.Cancel = true;
        Action<PosixSignal>? handler;
        lock (_gate)
        {
            handler = _handler;
            if (handler is null)
            {
                _early.Add(context.Signal);
            }
        }

        handler?.Invoke(context.Signal);
    }
}
