using HealthyApi.Errors;

namespace HealthyApi.Lifecycle;

/// <summary>
/// Runs the <see cref="IStartupTask"/>s in the background once the server has answered its first request
/// (<see cref="StartupPacing"/>; Kestrel is already listening, so /healthz answers during migrations), then
/// waits for every <see cref="IStartupCondition"/>, then moves the lifecycle from starting to ready. Until
/// then /readyz says <c>starting</c>. The tasks and conditions are resolved only then, not when the host
/// builds its hosted services: their dependencies (data sources, clients) would otherwise be built before
/// the server listens, and liveness would wait for them.
/// </summary>
public sealed class StartupWork : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly IServiceProvider _services;
    private readonly AppLifecycle _lifecycle;
    private readonly StartupPacing _pacing;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger<StartupWork> _logger;

    public StartupWork(IServiceProvider services, AppLifecycle lifecycle, StartupPacing pacing, SecretRedactor redactor, TimeProvider time, ILogger<StartupWork> logger)
    {
        _services = services;
        _lifecycle = lifecycle;
        _pacing = pacing;
        _redactor = redactor;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            await _pacing.WaitForFirstRequestAsync(stoppingToken);
            foreach (var task in _services.GetServices<IStartupTask>())
            {
                await RunUntilDoneAsync(task, stoppingToken);
            }

            foreach (var condition in _services.GetServices<IStartupCondition>())
            {
                await condition.WaitUntilMetAsync(stoppingToken);
            }

            _lifecycle.CompleteStartup();
            _logger.LogInformation("Start-up complete after {Elapsed:0} ms", _time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before start-up finished.
        }
    }

    private async Task RunUntilDoneAsync(IStartupTask task, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var taskStarted = _time.GetTimestamp();
                await task.RunAsync(stoppingToken);
                _logger.LogInformation("Start-up task {Task} done in {Elapsed:0} ms", task.Name, _time.GetElapsedTime(taskStarted).TotalMilliseconds);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning("Start-up task {Task} failed (attempt {Attempt}): {Error}; retrying in {Backoff} s",
                    task.Name, attempt, _redactor.Redact(ErrorText.Describe(ex)), backoff.TotalSeconds);
                await Task.Delay(backoff, _time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
