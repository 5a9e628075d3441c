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
/// SIGINT in Development skips the delay, and a second SIGINT or SIGTERM is ignored rather than
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
    private readonly CancellationTokenSource _skipDelay = new();
    private readonly List<IDisposable> _registrations = [];
    private long _signalledAt;
    private PosixSignal _firstSignal;

    public GracefulShutdownLifetime(
        AppLifecycle lifecycle,
        IHostApplicationLifetime application,
        IHostEnvironment environment,
        IOptions<ShutdownOptions> options,
        TimeProvider time,
        ILogger<GracefulShutdownLifetime> logger)
    {
        _lifecycle = lifecycle;
        _application = application;
        _environment = environment;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }

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
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _skipDelay.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the runtime's default action (terminate): we decide when to stop.
        context.Cancel = true;
        var skipDelay = context.Signal == PosixSignal.SIGINT && _environment.IsDevelopment();

        if (!_lifecycle.BeginShutdown())
        {
            if (skipDelay)
            {
                _skipDelay.Cancel();
            }

            // A terminal's Ctrl+C followed by a supervisor's SIGTERM is routine; only a repeat of the same signal is news.
            _logger.Log(context.Signal == _firstSignal ? LogLevel.Information : LogLevel.Debug,
                "{Signal} received again; shutdown is already under way", context.Signal);
            return;
        }

        _signalledAt = _time.GetTimestamp();
        _firstSignal = context.Signal;
        _ = DrainThenStopAsync(context.Signal, skipDelay);
    }

    private async Task DrainThenStopAsync(PosixSignal signal, bool skipDelay)
    {
        var delay = skipDelay ? TimeSpan.Zero : _options.DrainDelay;
        _logger.LogInformation(
            "Shutdown phase 1 at {Time:O}: {Signal} received; readiness answers 503 draining, the API keeps serving with Connection: close for {DrainDelay} s",
            _time.GetUtcNow(), signal, delay.TotalSeconds);

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
        _application.StopApplication();
    }
}
