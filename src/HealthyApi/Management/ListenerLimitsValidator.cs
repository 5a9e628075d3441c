using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

public sealed class ListenerLimitsValidator : IValidateOptions<ListenerLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenerLimitsOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "Limits__AppConnections", options.AppConnections);
        Positive(errors, "Limits__ManagementConnections", options.ManagementConnections);
        Positive(errors, "Limits__UpgradedConnections", options.UpgradedConnections);
        Positive(errors, "Limits__MaxRequestBodyBytes", options.MaxRequestBodyBytes);
        if (options.RequestHeadersTimeout <= TimeSpan.Zero || options.KeepAliveTimeout <= TimeSpan.Zero)
        {
            errors.Add("Limits__RequestHeadersTimeout and Limits__KeepAliveTimeout must be positive TimeSpans, e.g. 00:00:05.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string setting, long value)
    {
        if (value <= 0)
        {
            errors.Add($"{setting} is {value}: it must be a positive number.");
        }
    }
}
