using System.Globalization;

namespace HealthyApi.Management;

/// <summary>The app listener's ports, from <c>ASPNETCORE_HTTP_PORTS</c> (default 8080).</summary>
public static class AppPorts
{
    public const string Setting = "ASPNETCORE_HTTP_PORTS";

    /// <summary>The ports, or null when the value is not a ';'-separated list of port numbers.</summary>
    public static int[]? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [8080];
        }

        var ports = new List<int>();
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return null;
            }

            ports.Add(port);
        }

        return ports.Count == 0 ? null : ports.ToArray();
    }
}
