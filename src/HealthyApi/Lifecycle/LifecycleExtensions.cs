using HealthyApi.Errors;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HealthyApi.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>The state machine, graceful SIGTERM handling and the start-up work runner.</summary>
    public static TBuilder AddLifecycle<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SecretRedactor>();
        builder.Services.AddSingleton(new ShutdownSignals()); // from here on, SIGTERM drains instead of killing the process
        builder.Services.AddSingleton<AppLifecycle>();
        builder.Services.AddSingleton<ConnectionTracker>();
        builder.Services.AddSingleton<StartupPacing>();
        builder.Services.AddSingleton<IHostLifetime, GracefulShutdownLifetime>();
        builder.Services.AddHostedService<StartupWork>();

        // Kestrel's in-flight grace after the drain delay is the host's shutdown timeout.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>(
            (host, shutdown) => host.ShutdownTimeout = shutdown.Value.ShutdownTimeout);
        return builder;
    }

    /// <summary>
    /// While out of rotation, every response carries <c>Connection: close</c>: a keep-alive client
    /// (or a proxy's upstream pool) would otherwise keep reusing this pod's connection after the load
    /// balancer stopped choosing it, and hit the moment the listener closes. Each request is also marked
    /// in progress on its connection (<see cref="ConnectionTracker"/>), so shutdown knows which connections it may close,
    /// and the first one served lets start-up work begin (<see cref="StartupPacing"/>).
    /// </summary>
    public static IApplicationBuilder UseLifecycle(this IApplicationBuilder app)
    {
        var lifecycle = app.ApplicationServices.GetRequiredService<AppLifecycle>();
        var connections = app.ApplicationServices.GetRequiredService<ConnectionTracker>();
        var pacing = app.ApplicationServices.GetRequiredService<StartupPacing>();
        return app.Use(async (context, next) =>
        {
            using var inProgress = connections.RequestInProgress(context.Connection.Id);
            if (lifecycle.IsOutOfRotation)
            {
                context.Response.Headers.Connection = "close";
            }

            await next(context);
            pacing.RequestServed();
        });
    }
}
