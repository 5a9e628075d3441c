namespace HealthyApi.Lifecycle;

/// <summary>
/// The one place that knows whether the service is starting, serving, draining or stopping.
/// /readyz, the admin endpoints, the SIGTERM handler, the Connection: close middleware and the
/// metrics all read it; only the methods below change it.
/// </summary>
/// <remarks>
/// starting ──CompleteStartup──▶ ready ⇄ draining (Drain / Resume)
///     │                           │         │
///     └──────────── BeginShutdown ┴─────────┴──▶ stopping (final)
/// </remarks>
public sealed class AppLifecycle
{
    private readonly Lock _gate = new();
    private LifecyclePhase _phase = LifecyclePhase.Starting;
    private bool _startupComplete;
    private CancellationTokenSource _inRotation = new();

    public LifecyclePhase Phase
    {
        get { lock (_gate) { return _phase; } }
    }

    /// <summary>True from the end of start-up work for the life of the process, whatever the dependencies do (/startupz).</summary>
    public bool StartupCompleted
    {
        get { lock (_gate) { return _startupComplete; } }
    }

    /// <summary>
    /// Cancelled the moment the instance leaves rotation (drain or SIGTERM). Long-lived responses (streams)
    /// observe it and end, so their clients reconnect to another instance during the drain delay instead of
    /// holding shutdown to its timeout. A resume starts a fresh token.
    /// </summary>
    public CancellationToken LeavingRotation
    {
        get { lock (_gate) { return _inRotation.Token; } }
    }

    /// <summary>True while load balancers must stop sending new work (drain or shutdown).</summary>
    public bool IsOutOfRotation => Phase is LifecyclePhase.Draining or LifecyclePhase.Stopping;

    /// <summary>Start-up work is done. A drain requested during start-up stays in force.</summary>
    public void CompleteStartup()
    {
        Transition(current =>
        {
            _startupComplete = true;
            return current == LifecyclePhase.Starting ? LifecyclePhase.Ready : current;
        });
    }

    /// <summary>Out of rotation until <see cref="Resume"/>. Idempotent; refused once stopping.</summary>
    public bool Drain()
    {
        var result = Transition(current => current == LifecyclePhase.Stopping ? current : LifecyclePhase.Draining);
        return result.After == LifecyclePhase.Draining;
    }

    /// <summary>Back into rotation. Returns false once shutdown has begun: there is no way back from SIGTERM.</summary>
    public bool Resume()
    {
        var result = Transition(current => current switch
        {
            LifecyclePhase.Stopping => LifecyclePhase.Stopping,
            LifecyclePhase.Draining => _startupComplete ? LifecyclePhase.Ready : LifecyclePhase.Starting,
            _ => current,
        });
        return result.After != LifecyclePhase.Stopping;
    }

    /// <summary>SIGTERM: out of rotation for good. Returns false if shutdown had already begun.</summary>
    public bool BeginShutdown()
    {
        var result = Transition(_ => LifecyclePhase.Stopping);
        return result.Before != LifecyclePhase.Stopping;
    }

    private (LifecyclePhase Before, LifecyclePhase After) Transition(Func<LifecyclePhase, LifecyclePhase> next)
    {
        CancellationTokenSource? leaving = null;
        (LifecyclePhase, LifecyclePhase) result;
        lock (_gate)
        {
            var before = _phase;
            _phase = next(before);
            var wasOut = before is LifecyclePhase.Draining or LifecyclePhase.Stopping;
            var isOut = _phase is LifecyclePhase.Draining or LifecyclePhase.Stopping;
            if (isOut && !wasOut)
            {
                leaving = _inRotation;
            }
            else if (wasOut && !isOut)
            {
                _inRotation = new CancellationTokenSource();
            }

            result = (before, _phase);
        }

        // Outside the lock: the callbacks (streams ending) may read the phase.
        leaving?.Cancel();
        return result;
    }
}
