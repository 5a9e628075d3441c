using HealthyApi.Lifecycle;
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
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<HealthOptions>>().Value;
        // Singletons taken once here, not per request from RequestServices: a probe then needs no DI scope.
        var time = services.GetRequiredService<TimeProvider>();
        var lifecycle = services.GetRequiredService<AppLifecycle>();
        var responder = services.GetRequiredService<ReadinessResponder>();

        // Liveness touches no dependency, ever: a database blip must not restart every pod. It keeps
        // passing while draining, because a draining pod is healthy, just leaving.
        // HEAD answers like GET without a body (Kestrel drops it): load balancers and uptime monitors probe with HEAD.
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods(options.LivenessPath, getOrHead, (HttpContext context) =>
                HealthResponseWriter.WriteLivenessAsync(context, time.GetUtcNow()))
            .WithName("liveness")
            .ExcludeFromDescription();

        // Start-up has its own probe: a startupProbe on /readyz would restart a new pod whenever a dependency is
        // down longer than its budget, and restarting never fixes a database. This one turns 200 when start-up
        // work is done and stays 200; readiness alone then follows the dependencies.
        endpoints.MapMethods(options.StartupPath, getOrHead, (HttpContext context) =>
                HealthResponseWriter.WriteStartupAsync(context, lifecycle.StartupCompleted, time.GetUtcNow()))
            .WithName("startup")
            .ExcludeFromDescription();

        endpoints.MapMethods(options.ReadinessPath, getOrHead, (HttpContext context) =>
                responder.RespondAsync(context, onlyCheck: null))
            .WithName("readiness")
            .ExcludeFromDescription();

        endpoints.MapMethods(options.ReadinessPath.TrimEnd('/') + "/{check}", getOrHead, (string check, HttpContext context) =>
                responder.RespondAsync(context, check))
            .WithName("readiness-check")
            .ExcludeFromDescription();

        return endpoints;
    }
}
