using Microsoft.Extensions.Options;

namespace HealthyApi.Lifecycle;

/// <summary>The shutdown budget must fit in the pod's grace period, or Kubernetes kills the pod mid-shutdown.</summary>
public sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    /// <summary>Time left after the in-flight grace for flushing telemetry and exiting before SIGKILL.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var errors = new List<string>();
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

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds:0.###} s";
}
