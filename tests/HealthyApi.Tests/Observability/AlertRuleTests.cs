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
        var dir = Path.Combine(TestRun.Root, "rules-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var test = Path.Combine(dir, "rules.test.yaml");
        await File.WriteAllTextAsync(test, (await File.ReadAllTextAsync(testFile)).Replace("RULES_FILE", rules, StringComparison.Ordinal));

        var (checkExit, checkOutput) = await ServerBinaries.ExecuteAsync(ServerBinaries.Promtool, ["check", "rules", rules]);
        Assert.True(checkExit == 0, checkOutput);
        var (testExit, testOutput) = await ServerBinaries.ExecuteAsync(ServerBinaries.Promtool, ["test", "rules", test]);
        Assert.True(testExit == 0, testOutput);
    }
}
