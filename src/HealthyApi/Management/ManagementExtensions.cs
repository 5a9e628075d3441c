using System.Globalization;
using Microsoft.AspNetCore.Hosting;
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
        var appPorts = ParseAppPorts(builder.Configuration[WebHostDefaults.HttpPortsKey]);

        // We bind explicitly below; clearing the setting stops Kestrel warning that it overrides it.
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);

        builder.Services.AddOptions<ManagementOptions>()
            .BindConfiguration(ManagementOptions.Section)
            .Validate(o => o.Port is >= 0 and <= 65535, "Management__Port must be between 0 and 65535 (0 = serve management on the app port).")
            .Validate(o => !appPorts.Contains(o.Port), $"Management__Port must differ from the app port(s) in ASPNETCORE_HTTP_PORTS ({string.Join(";", appPorts)}); use 0 to share the app port on purpose.")
            .ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        builder.Services.AddSingleton<AdminAccess>();
        builder.Services.AddSingleton<ManagementPaths>();

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ManagementOptions>>((kestrel, management) =>
        {
            foreach (var port in appPorts)
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

    private static int[] ParseAppPorts(string? value)
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
                throw new OptionsValidationException("ASPNETCORE_HTTP_PORTS", typeof(ManagementOptions),
                    [$"ASPNETCORE_HTTP_PORTS is '{value}': expected port numbers separated by ';', e.g. 8080."]);
            }

            ports.Add(port);
        }

        return ports.ToArray();
    }
}
