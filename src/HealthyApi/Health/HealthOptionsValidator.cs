using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

/// <summary>Rules that span several <c>Health</c> settings, with messages that say what to change.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    /// <summary>Time left after the in-flight grace for flushing telemetry and exiting before SIGKILL.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var errors = new List<string>();

        CheckPath(errors, "Health__LivenessPath", options.LivenessPath);
        CheckPath(errors, "Health__ReadinessPath", options.ReadinessPath);
        if (string.Equals(options.LivenessPath, options.ReadinessPath, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Health__LivenessPath and Health__ReadinessPath are both '{options.LivenessPath}': liveness and readiness must be separate endpoints.");
        }

        if (options.ReadinessPeriod < TimeSpan.FromMilliseconds(100) || options.ReadinessPeriod > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Health__ReadinessPeriod is {options.ReadinessPeriod}: use a value between 00:00:00.1 and 00:01:00 (default 00:00:02).");
        }

        if (options.DefaultCheckTimeout <= TimeSpan.Zero || options.DefaultCheckTimeout >= options.StaleAfter)
        {
            errors.Add($"Health__DefaultCheckTimeout is {options.DefaultCheckTimeout}: it must be positive and shorter than 3 × Health__ReadinessPeriod ({options.StaleAfter}), or every slow check would read as stale.");
        }

        if (options.DrainDelay < TimeSpan.Zero)
        {
            errors.Add($"Health__DrainDelay is {options.DrainDelay}: it cannot be negative.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Health__ShutdownTimeout is {options.ShutdownTimeout}: it must be positive (in-flight requests need time to finish).");
        }

        var needed = options.DrainDelay + options.ShutdownTimeout + ExitMargin;
        if (needed > options.TerminationGracePeriod)
        {
            errors.Add(
                $"Health__DrainDelay ({Seconds(options.DrainDelay)}) + Health__ShutdownTimeout ({Seconds(options.ShutdownTimeout)}) " +
                $"+ {Seconds(ExitMargin)} to flush telemetry and exit = {Seconds(needed)}, which does not fit in " +
                $"Health__TerminationGracePeriod ({Seconds(options.TerminationGracePeriod)}): Kubernetes would SIGKILL the pod mid-shutdown. " +
                "Lower Health__DrainDelay or Health__ShutdownTimeout, or raise terminationGracePeriodSeconds in the deployment " +
                "and Health__TerminationGracePeriod to match. (TimeSpan values are written 00:00:45; a bare 45 means 45 days.)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPath(List<string> errors, string setting, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/') || path.Length < 2)
        {
            errors.Add($"{setting} is '{path}': it must be an absolute path such as /healthz.");
        }
    }

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds:0.###} s";
}
