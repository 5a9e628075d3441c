using HealthyApi.Health;
using HealthyApi.Lifecycle;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

public static class ManagementExtensions
{
    /// <summary>
    /// Two listeners: the app port(s) from <c>ASPNETCORE_HTTP_PORTS</c> (default 8080) and the management
    /// port from <c>Management__Port</c> (default 8081). Probes, metrics and admin live on the management
    /// port so that a Service or Ingress exposing the app port can never expose them.
    /// </summary>
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        var appPortsSetting = builder.Configuration[WebHostDefaults.HttpPortsKey];

        // We bind explicitly below; clearing the setting stops Kestrel warning that it overrides it.
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);

        builder.Services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ManagementOptions>>(new ManagementOptionsValidator(appPortsSetting));
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        builder.Services.AddSingleton<AdminAccess>();
        builder.Services.AddSingleton<IReadinessDetailAccess>(sp => sp.GetRequiredService<AdminAccess>());
        builder.Services.AddSingleton<ManagementPaths>();

        builder.Services.AddOptions<ListenerLimitsOptions>().BindConfiguration(ListenerLimitsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ListenerLimitsOptions>, ListenerLimitsValidator>();

        // Runs after start-up validation, so the ports parse here.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ManagementOptions>, IOptions<ListenerLimitsOptions>, ConnectionTracker, TimeProvider, ILoggerFactory>(
            (kestrel, management, limits, connections, time, loggers) =>
            {
                var logger = loggers.CreateLogger(typeof(ConnectionBudget));
                var (app, admin) = Budgets(limits.Value, FileDescriptorLimit.Current(), time, logger);
                kestrel.Limits.MaxConcurrentConnections = null; // per listener instead, below
                kestrel.Limits.MaxConcurrentUpgradedConnections = limits.Value.UpgradedConnections;
                kestrel.Limits.RequestHeadersTimeout = limits.Value.RequestHeadersTimeout;
                kestrel.Limits.KeepAliveTimeout = limits.Value.KeepAliveTimeout;
                kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
                foreach (var port in AppPorts.Parse(appPortsSetting) ?? [])
                {
                    kestrel.ListenAnyIP(port, listen => listen.Use(app.Guard).Use(connections.Track));
                }

                if (!management.Value.SharesAppPort)
                {
                    kestrel.ListenAnyIP(management.Value.Port, listen => listen.Use(admin.Guard).Use(connections.Track));
                }
            });

        return builder;
    }

    /// <summary>
    /// The app port's budget is capped below the file-descriptor limit, less the management port's budget
    /// and a reserve, so a flood that reaches the cap still leaves descriptors for probes and dependencies.
    /// </summary>
    private static (ConnectionBudget App, ConnectionBudget Management) Budgets(ListenerLimitsOptions limits, long? descriptors, TimeProvider time, ILogger logger)
    {
        var app = limits.AppConnections;
        if (descriptors is { } fds && fds - FileDescriptorLimit.Reserve - limits.ManagementConnections < app)
        {
            app = (int)Math.Max(1, fds - FileDescriptorLimit.Reserve - limits.ManagementConnections);
            logger.LogWarning("The file-descriptor limit is {Limit}: the app port holds at most {Connections} connections, not {Configured} (raise the limit, e.g. ulimit -n, or lower Limits__AppConnections)",
                fds, app, limits.AppConnections);
        }

        return (new ConnectionBudget("App", app, time, logger), new ConnectionBudget("Management", limits.ManagementConnections, time, logger));
    }

    /// <summary>Routes each request to the listener it belongs to (see <see cref="ManagementPortGate"/>).</summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app) => app.UseMiddleware<ManagementPortGate>();
}
