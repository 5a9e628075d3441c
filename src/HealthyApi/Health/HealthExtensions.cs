using HealthyApi.Errors;
using HealthyApi.Health.Checks;
using HealthyApi.Lifecycle;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

public static class HealthExtensions
{
    /// <summary>
    /// Background readiness evaluation, the probe responders, and the optional local checks. Add
    /// dependency checks with <c>builder.Services.AddHealthChecks().AddX()</c>, tagged <c>ready</c>.
    /// </summary>
    public static TBuilder AddHealth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SecretRedactor>();
        builder.Services.AddSingleton<HealthMetrics>();
        builder.Services.AddSingleton<ReadinessEvaluator>();
        builder.Services.AddSingleton<ReadinessMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadinessMonitor>());
        builder.Services.AddSingleton<IStartupCondition, ReadinessStartupCondition>();
        builder.Services.AddSingleton<ReadinessResponder>();

        var checks = builder.Services.AddHealthChecks();
        var health = builder.Configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
        if (health.DiskSpace.MinimumFreeMegabytes > 0)
        {
            checks.AddDiskSpace(health.DiskSpace);
        }

        if (health.Memory.MaximumPercentOfLimit > 0)
        {
            checks.AddMemory(health.Memory);
        }

        return builder;
    }
}
