using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

public static class HealthEndpoints
{
    /// <summary>
    /// Maps liveness, readiness and per-check readiness. Which listener serves them is the management
    /// port's business, not theirs.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HealthOptions>>().Value;

        // Liveness touches no dependency, ever: a database blip must not restart every pod. It keeps
        // passing while draining, because a draining pod is healthy, just leaving.
        // HEAD answers like GET without a body (Kestrel drops it): load balancers and uptime monitors probe with HEAD.
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods(options.LivenessPath, getOrHead, (HttpContext context, TimeProvider time) =>
                HealthResponseWriter.WriteLivenessAsync(context, time.GetUtcNow()))
            .WithName("liveness")
            .ExcludeFromDescription();

        endpoints.MapMethods(options.ReadinessPath, getOrHead, (HttpContext context, ReadinessResponder responder) =>
                responder.RespondAsync(context, onlyCheck: null))
            .WithName("readiness")
            .ExcludeFromDescription();

        endpoints.MapMethods(options.ReadinessPath.TrimEnd('/') + "/{check}", getOrHead, (string check, HttpContext context, ReadinessResponder responder) =>
                responder.RespondAsync(context, check))
            .WithName("readiness-check")
            .ExcludeFromDescription();

        return endpoints;
    }
}
