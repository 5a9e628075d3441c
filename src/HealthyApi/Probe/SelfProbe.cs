using HealthyApi.Errors;
using HealthyApi.Health;
using HealthyApi.Management;

namespace HealthyApi.Probe;

/// <summary>
/// <c>HealthyApi probe liveness|readiness</c>: one GET to this service's own management port, exit 0 on
/// 2xx, else 1. Chiseled images have no curl or shell, so the Dockerfile's HEALTHCHECK runs the
/// service binary itself. It reads the same settings as the service, so ports and paths always match.
/// </summary>
public static class SelfProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["liveness" or "readiness"])
        {
            await Console.Error.WriteLineAsync("usage: HealthyApi probe liveness|readiness");
            return 2;
        }

        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .Build();

        var health = configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
        var management = configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>() ?? new ManagementOptions();
        var port = management.SharesAppPort
            ? AppPorts.Parse(configuration["HTTP_PORTS"])?[0] ?? 8080
            : management.Port;
        var path = args[0] == "liveness" ? health.LivenessPath : health.ReadinessPath;
        var url = new Uri($"http://127.0.0.1:{port}{path}");

        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(url);
            Console.WriteLine($"{args[0]}: {(int)response.StatusCode} from {url}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{args[0]}: no answer from {url} ({ErrorText.Describe(ex.InnerException ?? ex)})");
            return 1;
        }
    }
}
