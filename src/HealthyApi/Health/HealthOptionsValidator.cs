using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

/// <summary>Rules that span several readiness settings, with messages that say what to change.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var errors = new List<string>();

        CheckPath(errors, "Health__LivenessPath", options.LivenessPath);
        CheckPath(errors, "Health__ReadinessPath", options.ReadinessPath);
        CheckPath(errors, "Health__StartupPath", options.StartupPath);
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

        var thresholds = new[] { ("Health__FailureThreshold", (int?)options.FailureThreshold), ("Health__SuccessThreshold", options.SuccessThreshold) }
            .Concat(options.Checks.SelectMany(c => new[] { ($"Health__Checks__{c.Key}__FailureThreshold", c.Value.FailureThreshold), ($"Health__Checks__{c.Key}__SuccessThreshold", c.Value.SuccessThreshold) }));
        foreach (var (setting, value) in thresholds)
        {
            if (value is < 1 or > 100)
            {
                errors.Add($"{setting} is {value}: use a number of consecutive evaluations from 1 (react at once) to 100.");
            }
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
}
