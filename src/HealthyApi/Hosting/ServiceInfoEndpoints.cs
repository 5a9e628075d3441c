using System.Reflection;

namespace HealthyApi.Hosting;

public static class ServiceInfoEndpoints
{
    /// <summary><c>GET /</c> on the app port: which service and which build is answering.</summary>
    public static IEndpointRouteBuilder MapServiceInfo(this IEndpointRouteBuilder endpoints)
    {
        var assembly = typeof(ServiceInfoEndpoints).Assembly;
        var service = assembly.GetName().Name!;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        endpoints.MapGet("/", () => Results.Json(new { service, version })).ExcludeFromDescription();
        return endpoints;
    }
}
