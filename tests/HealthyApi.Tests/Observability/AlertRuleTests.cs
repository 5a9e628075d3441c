using System.Diagnostics;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Observability;

/// <summary>The alert and recording rule the README recommends, checked and unit-tested by promtool.</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public async Task Readiness_alert_fires_when_many_pods_fail_and_not_when_few_do()
    {
        var rules = Directory.GetFiles(SourceTree.PathOf("deploy", "prometheus"), "*-rules.yaml").Single();
        var testFile = Directory.GetFiles(Path.Combine(SourceTree.Root, "tests"), "*-rules.test.yaml", SearchOption.AllDirectories).Single();
        var dir = Path.Combine(ServerBinaries.TempRoot, "rules-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var test = Path.Combine(dir, "rules.test.yaml");
        await File.WriteAllTextAsync(test, (await File.ReadAllTextAsync(testFile)).Replace("RULES_FILE", rules, StringComparison.Ordinal));

        var (checkExit, checkOutput) = await RunPromtoolAsync("check", "rules", rules);
        Assert.True(checkExit == 0, checkOutput);
        var (testExit, testOutput) = await RunPromtoolAsync("test", "rules", test);
        Assert.True(testExit == 0, testOutput);
    }

    private static async Task<(int, string)> RunPromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo(ServerBinaries.Promtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
