using HealthyApi.Lifecycle;
using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

/// <summary>
/// Evaluates the readiness checks in the background every <c>Health:ReadinessPeriod</c> (±10 % jitter,
/// so a fleet restarted together does not probe its database in lockstep) and keeps the latest
/// snapshot. The kubelet's probe timeout is 1 s by default, so /readyz must never wait on a
/// dependency: it reads <see cref="Latest"/>, and a flood of probes costs the dependencies nothing.
/// </summary>
public sealed class ReadinessMonitor : BackgroundService
{
    private readonly ReadinessEvaluator _evaluator;
    private readonly StartupPacing _pacing;
    private readonly HealthMetrics _metrics;
    private readonly IOptionsMonitor<HealthOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReadinessMonitor> _logger;
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CheckStatus> _logged = new(StringComparer.Ordinal);
    private readonly FlapFilter _flaps = new();
    private TaskCompletionSource<ReadinessSnapshot> _next = NewSignal();
    private ReadinessSnapshot? _latest;
    private volatile bool _startupTasksDone;

    public ReadinessMonitor(ReadinessEvaluator evaluator, HealthMetrics metrics, IOptionsMonitor<HealthOptions> options, StartupPacing pacing, TimeProvider time, ILogger<ReadinessMonitor> logger)
    {
        _evaluator = evaluator;
        _pacing = pacing;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The latest completed evaluation, or null before the first one completes.</summary>
    public ReadinessSnapshot? Latest
    {
        get { lock (_gate) { return _latest; } }
    }

    /// <summary>
    /// From now on a failing check is logged. Before, while migrations and other start-up tasks run, some
    /// checks fail as expected (the write check's table does not exist yet), and the start-up work logs
    /// its own failures; /readyz shows the checks' state all along.
    /// </summary>
    public void StartupTasksDone() => _startupTasksDone = true;

    /// <summary>Runs the next evaluation now instead of at the end of the period (used when start-up work finishes).</summary>
    public void RequestEvaluation()
    {
        if (_wakeUp.CurrentCount == 0)
        {
            try { _wakeUp.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Completes with the first snapshot, published from now on, that <paramref name="accept"/> accepts.</summary>
    public async Task<ReadinessSnapshot> WaitForAsync(Func<ReadinessSnapshot, bool> accept, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<ReadinessSnapshot> next;
            lock (_gate) { next = _next.Task; }
            var snapshot = await next.WaitAsync(cancellationToken);
            if (accept(snapshot))
            {
                return snapshot;
            }
        }
    }

    public void Publish(ReadinessSnapshot snapshot)
    {
        TaskCompletionSource<ReadinessSnapshot> completed;
        lock (_gate)
        {
            _latest = snapshot;
            completed = _next;
            _next = NewSignal();
        }

        completed.TrySetResult(snapshot);
        LogChanges(snapshot);
        _metrics.EvaluationCompleted(snapshot);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _pacing.WaitForFirstRequestAsync(stoppingToken); // the first probe before the first evaluation
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                Publish(_flaps.Apply(await _evaluator.EvaluateAsync(stoppingToken), _options.CurrentValue));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The evaluator reports check failures as results; reaching here is a bug. Keep looping:
                // the snapshot will go stale and readiness will say so.
                _logger.LogError(ex, "Readiness evaluation failed");
            }

            var period = _options.CurrentValue.ReadinessPeriod;
            var jittered = period * (0.9 + (0.2 * Random.Shared.NextDouble()));
            var remaining = jittered - _time.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                using var periodOver = new CancellationTokenSource(remaining, _time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(periodOver.Token, stoppingToken);
                try
                {
                    await _wakeUp.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The period is over: evaluate again.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Logs each check's status when it differs from the status last logged for it (one evaluation at a time).</summary>
    private void LogChanges(ReadinessSnapshot current)
    {
        foreach (var (name, result) in current.Checks)
        {
            if ((!_startupTasksDone && !result.Status.IsPassing())
                || (_logged.TryGetValue(name, out var before) && before == result.Status))
            {
                continue;
            }

            _logged[name] = result.Status;

            if (result.Status == CheckStatus.Pass)
            {
                _logger.LogInformation("Readiness check {Check} is passing ({DurationMs:0.0} ms)", name, result.Duration.TotalMilliseconds);
            }
            else
            {
                _logger.LogWarning("Readiness check {Check} is failing ({Status}): {Error}", name, result.Status.ToWire(), result.Error);
            }
        }
    }

    private static TaskCompletionSource<ReadinessSnapshot> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
