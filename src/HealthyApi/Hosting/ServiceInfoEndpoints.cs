namespace HealthyApi.Hosting;

public static class ServiceInfoEndpoints
{
    /// <summary><c>GET /</c> on the app port: which service and which build is answering.</summary>
    public static IEndpointRouteBuilder MapServiceInfo(this IEndpointRouteBuilder endpoints)
    {
        var body = new { service = ServiceVersion.Name, version = ServiceVersion.Informational };
        endpoints.MapGet("/", () => Results.Json(body)).ExcludeFromDescription();
        return endpoints;
    }
}
