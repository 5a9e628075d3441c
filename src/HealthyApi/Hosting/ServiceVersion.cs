using System.Reflection;

namespace HealthyApi.Hosting;

/// <summary>Which service and which build is running: used by <c>GET /</c> and the telemetry resource.</summary>
public static class ServiceVersion
{
    public static string Name { get; } = typeof(ServiceVersion).Assembly.GetName().Name!;

    public static string Informational { get; } =
        typeof(ServiceVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
