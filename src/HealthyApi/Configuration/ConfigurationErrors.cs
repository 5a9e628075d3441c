using Microsoft.Extensions.Options;

namespace HealthyApi.Configuration;

/// <summary>
/// A configuration error ends the process with exit code 1 and the message alone on stderr, instead of
/// a stack trace, so a crash-looping pod's last log line says which setting to fix. Options are read
/// in several places (Build, endpoint mapping, start-up validation); catching at the process edge
/// covers them all.
/// </summary>
public static class ConfigurationErrors
{
    public static void ExitWithMessageInsteadOfStackTrace()
    {
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            var failures = e.ExceptionObject switch
            {
                OptionsValidationException invalid => invalid.Failures,
                // The binder names the key: "Failed to convert configuration value at 'Health:DrainDelay' to type 'System.TimeSpan'".
                InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
                    [m + " (TimeSpan values are written 00:00:45)"],
                _ => null,
            };
            if (failures is null)
            {
                return;
            }

            Console.Error.WriteLine("Refusing to start: invalid configuration.");
            foreach (var failure in failures)
            {
                Console.Error.WriteLine($"  - {failure}");
            }

            Environment.Exit(1);
        };
    }
}
