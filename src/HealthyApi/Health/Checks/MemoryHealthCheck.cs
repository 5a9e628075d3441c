using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthyApi.Health.Checks;

/// <summary>
/// Working set against the memory the runtime may use (the cgroup limit in a container). Failing
/// readiness near the limit sheds load before the OOM killer restarts the pod mid-request.
/// </summary>
public sealed class MemoryHealthCheck : IHealthCheck
{
    private readonly MemorySettings _settings;

    public MemoryHealthCheck(MemorySettings settings) => _settings = settings;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var used = Environment.WorkingSet;
        var percent = limit > 0 ? used * 100.0 / limit : 0;
        return Task.FromResult(percent <= _settings.MaximumPercentOfLimit
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"working set {used / (1024 * 1024)} MiB is {percent:0}% of the {limit / (1024 * 1024)} MiB limit (maximum {_settings.MaximumPercentOfLimit}%)"));
    }
}
