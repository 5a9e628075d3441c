using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

/// <summary>The two listeners must be valid and distinct, or the port split means nothing.</summary>
public sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    private readonly string? _appPortsSetting;

    /// <param name="appPortsSetting">The raw <c>ASPNETCORE_HTTP_PORTS</c> value.</param>
    public ManagementOptionsValidator(string? appPortsSetting) => _appPortsSetting = appPortsSetting;

    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = new List<string>();
        var appPorts = AppPorts.Parse(_appPortsSetting);
        if (appPorts is null)
        {
            errors.Add($"{AppPorts.Setting} is '{_appPortsSetting}': expected port numbers separated by ';', e.g. 8080.");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"Management__Port is {options.Port}: it must be between 0 and 65535 (0 = serve management on the app port).");
        }
        else if (appPorts is not null && appPorts.Contains(options.Port))
        {
            errors.Add($"Management__Port must differ from the app port(s) in {AppPorts.Setting} ({string.Join(";", appPorts)}); use 0 to share the app port on purpose.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
