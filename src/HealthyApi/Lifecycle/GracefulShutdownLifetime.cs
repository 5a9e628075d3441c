using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace HealthyApi.Lifecycle;

/// <summary>
/// What happens on SIGTERM. Replaces the default ConsoleLifetime, which stops Kestrel the moment the
/// signal arrives: load balancers and kube-proxy learn that a pod is leaving only after its readiness
/// fails and the endpoint update propagates, so a process that stops accepting at once drops requests.
/// <list type="number">
/// <item>SIGTERM: readiness answers 503 <c>draining</c> at once; liveness keeps passing; the API keeps
/// serving, with <c>Connection: close</c> so keep-alive clients reconnect elsewhere.</item>
/// <item>After <c>Health:DrainDelay</c>: the host stops; Kestrel stops accepting and gives in-flight
/// requests up to <c>Health:ShutdownTimeout</c> (HostOptions.ShutdownTimeout).</item>
/// <item>Connections to the dependencies are closed as the host disposes them, and Main returns 0.</item>
/// </list>
/// A service that was never ready skips the delay (it was never in rotation), so does SIGINT in
/// Development, and a second SIGINT or SIGTERM is ignored rather than
/// restarting the countdown.
/// </summary>
public sealed class GracefulShutdownLifetime : IHostLifetime, IDisposable
{
    private readonly AppLifecycle _lifecycle;
    private readonly IHostApplicationLifetime _application;
    private readonly IHostEnvironment _environment;
    private readonly ShutdownOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GracefulShutdownLifetime> _logger;
    private readonly ShutdownSignals _signals;
    private readonly CancellationTokenSource _skipDelay = new();
    private long _signalledAt;
    private PosixSignal _firstSignal;

    public GracefulShutdownLifetime(
        AppLifecycle lifecycle,
        ShutdownSignals signals,
        IHostApplicationLifetime application,
        IHostEnvironment environment,
        IOptions<ShutdownOptions> options,
        TimeProvider time,
        ILogger<GracefulShutdownLifetime> logger)
    {
        _lifecycle = lifecycle;
        _signals = signals;
        _application = application;
        _environment = environment;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Subscribe(OnSignal);

        // Stops that do not come from a signal (a fatal error, a test host) still leave rotation first.
        _application.ApplicationStopping.Register(() => _lifecycle.BeginShutdown());
        _application.ApplicationStarted.Register(() => _logger.LogInformation(
            "Started in {Environment}. SIGTERM drains for {DrainDelay} s, then in-flight requests get {ShutdownTimeout} s",
            _environment.EnvironmentName, _options.DrainDelay.TotalSeconds, _options.ShutdownTimeout.TotalSeconds));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_signalledAt != 0)
        {
            _logger.LogInformation("Shutdown phase 3 at {Time:O}: server stopped and telemetry flushed {Elapsed:0.000} s after the signal; exiting 0",
                _time.GetUtcNow(), _time.GetElapsedTime(_signalledAt).TotalSeconds);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _signals.Dispose();
        _skipDelay.Dispose();
    }

    private void OnSignal(PosixSignal signal)
    {
        // A pod that never became ready was never in rotation: nobody routes to it, so there is nothing to
        // drain. In Development, Ctrl+C skips the delay too.
        var neverServed = _lifecycle.Phase == LifecyclePhase.Starting;
        var skipDelay = neverServed || (signal == PosixSignal.SIGINT && _environment.IsDevelopment());

        if (!_lifecycle.BeginShutdown())
        {
            if (skipDelay)
            {
                _skipDelay.Cancel();
            }

            // A terminal's Ctrl+C followed by a supervisor's SIGTERM is routine; only a repeat of the same signal is news.
            _logger.Log(signal == _firstSignal ? LogLevel.Information : LogLevel.Debug,
                "{Signal} received again; shutdown is already under way", signal);
            return;
        }

        _signalledAt = _time.GetTimestamp();
        _firstSignal = signal;
        _ = DrainThenStopAsync(signal, skipDelay, neverServed);
    }

    private async Task DrainThenStopAsync(PosixSignal signal, bool skipDelay, bool neverServed)
    {
        var delay = skipDelay ? TimeSpan.Zero : _options.DrainDelay;
        _logger.LogInformation(
            "Shutdown phase 1 at {Time:O}: {Signal} received; readiness answers 503 draining, the API keeps serving with Connection: close for {DrainDelay} s{Why}",
            _time.GetUtcNow(), signal, delay.TotalSeconds, neverServed ? " (never ready, so never in rotation: no drain delay)" : "");

        try
        {
            await Task.Delay(delay, _time, _skipDelay.Token);
        }
        catch (OperationCanceledException)
        {
            _logger.LogInformation("Drain delay cut short by a second SIGINT (Development)");
        }

        _logger.LogInformation(
            "Shutdown phase 2 at {Time:O}: drain delay over; no new connections, in-flight requests get up to {ShutdownTimeout} s",
            _time.GetUtcNow(), _options.ShutdownTimeout.TotalSeconds);

        // A signal during the host's own start stops it once started: stopping mid-start would fail the start.
        _application.ApplicationStarted.Register(_application.StopApplication);
    }
}
