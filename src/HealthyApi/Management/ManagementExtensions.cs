using HealthyApi.Health;
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

        // Runs after start-up validation, so the ports parse here.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ManagementOptions>>((kestrel, management) =>
        {
            foreach (var port in AppPorts.Parse(appPortsSetting) ?? [])
            {
                kestrel.ListenAnyIP(port);
            }

            if (!management.Value.SharesAppPort)
            {
                kestrel.ListenAnyIP(management.Value.Port);
            }
        });

        return builder;
    }

    /// <summary>Routes each request to the listener it belongs to (see <see cref="ManagementPortGate"/>).</summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app) => app.UseMiddleware<ManagementPortGate>();
}
