using HealthyApi.Lifecycle;
using HealthyApi.Management;

namespace HealthyApi.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// One metrics pipeline (System.Diagnostics.Metrics → OpenTelemetry SDK) read by /metrics and, when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, exported over OTLP with the traces.
    /// </summary>
    public static TBuilder AddObservability<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<PrometheusScrapeReader>();
        builder.Services.AddSingleton<ManagementTrafficSampler>();
        builder.Services.AddSingleton<TelemetryHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryHost>());
        builder.Services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<TelemetryHost>());
        return builder;
    }

    /// <summary>Route, status code and name on the request spans (first in the pipeline, so it sees the final status).</summary>
    public static IApplicationBuilder UseRequestTracing(this IApplicationBuilder app) => app.UseMiddleware<RequestSpanEnricher>();

    /// <summary><c>GET /metrics</c> (management port only, see <see cref="ManagementPortGate"/>). Reads meters; never runs a check.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ManagementPaths.Metrics, async (HttpContext context, PrometheusScrapeReader reader) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var text = await reader.ScrapeAsync(context.RequestAborted);
            if (text is null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            context.Response.ContentType = PrometheusTextFormatter.ContentType;
            await context.Response.WriteAsync(text, context.RequestAborted);
        }).ExcludeFromDescription();
        return endpoints;
    }
}
