namespace HealthyApi.Tests.Infrastructure;

/// <summary><c>promtool check metrics</c>: the Prometheus project's own parser and linter for the text format.</summary>
public static class Promtool
{
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var (exitCode, output) = await ServerBinaries.ExecuteAsync(ServerBinaries.Promtool, ["check", "metrics"], standardInput: exposition, timeout: TimeSpan.FromSeconds(30));
        return (exitCode, output.Trim());
    }
}
