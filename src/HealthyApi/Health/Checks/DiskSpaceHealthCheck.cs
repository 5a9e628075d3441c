using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthyApi.Health.Checks;

/// <summary>Free space on the file system holding <see cref="DiskSpaceSettings.Path"/> (e.g. the /tmp emptyDir).</summary>
public sealed class DiskSpaceHealthCheck : IHealthCheck
{
    private readonly DiskSpaceSettings _settings;

    public DiskSpaceHealthCheck(DiskSpaceSettings settings) => _settings = settings;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var freeMegabytes = new DriveInfo(_settings.Path).AvailableFreeSpace / (1024 * 1024);
        return Task.FromResult(freeMegabytes >= _settings.MinimumFreeMegabytes
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"{freeMegabytes} MiB free on {_settings.Path}, below the minimum of {_settings.MinimumFreeMegabytes} MiB"));
    }
}
