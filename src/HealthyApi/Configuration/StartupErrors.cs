using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace HealthyApi.Configuration;

/// <summary>
/// What the user sees when the service cannot start because of its settings: one line per problem,
/// naming the setting, and exit code 1 (Program.cs), never a stack trace, so a crash-looping pod's
/// last log line says what to fix. Anything else is a bug and keeps its stack trace.
/// </summary>
public static partial class StartupErrors
{
    /// <summary>The host logs a failed start with the whole stack before rethrowing; Program.cs reports it instead.</summary>
    public const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <returns>The lines to print, or null when <paramref name="exception"/> is not a configuration problem.</returns>
    public static IReadOnlyList<string>? Describe(Exception exception, IConfiguration configuration) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures.ToArray(),
        // The binder names the key: "Failed to convert configuration value at 'Health:DrainDelay' to type 'System.TimeSpan'".
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            [m.Split(" (", 2)[0].TrimEnd('.') + ". TimeSpan values are written 00:00:45."],
        IOException { InnerException: AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } busy =>
            [DescribeBusyPort(busy.Message, configuration)],
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0], configuration),
        _ => null,
    };

    private static string DescribeBusyPort(string message, IConfiguration configuration)
    {
        // Kestrel: "Failed to bind to address http://[::]:8081: address already in use."
        var port = BoundPort().Match(message) is { Success: true } match ? match.Groups["port"].Value : "?";
        var setting = configuration["Management:Port"] switch
        {
            null => "Management__Port or ASPNETCORE_HTTP_PORTS",
            var management when management == port => "Management__Port",
            _ => "ASPNETCORE_HTTP_PORTS",
        };
        return $"{setting}: port {port} is already in use by another process; stop that process or set {setting} to a free port.";
    }

    [GeneratedRegex(@":(?<port>\d+): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BoundPort();
}
