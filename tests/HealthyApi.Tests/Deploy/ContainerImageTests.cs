using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HealthyApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// The Dockerfile built as written by podman, then the image run the way the chart runs the pod: the
/// chart's own env, uid 1654, read-only root with only /tmp writable, every capability dropped, the
/// memory limit, the real dependency servers on loopback. What a registry-less machine cannot pull is
/// replaced by stand-ins with the same properties (Deploy/standin-images.sh).
/// </summary>
[Collection(nameof(CpuHeavy))]
public sealed partial class ContainerImageTests(ITestOutputHelper output)
{
    /// <summary>The files podman itself writes into a container: its name resolution.</summary>
    private static readonly string[] PodmanWrites = ["/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

    [FactWith(Tool.Podman, Tool.Helm)]
    public async Task The_Dockerfile_builds_and_the_image_runs_drains_and_stops_as_the_chart_runs_the_pod()
    {
        await using var podman = new PodmanStore();
        var clock = Stopwatch.StartNew();
        var (sdk, runtime) = await BaseImagesAsync(podman);

        var revision = Guid.NewGuid().ToString("N") + "0badc0de";
        var image = $"localhost/{typeof(Program).Assembly.GetName().Name!.ToLowerInvariant()}:test";
        var (built, buildLog) = await podman.RunAsync(
            ["build", "--format", "docker", "--isolation", "chroot", "--network", "host", .. PodmanStore.Ulimits, "--pull=never",
             "--build-arg", $"SDK_IMAGE={sdk}", "--build-arg", $"RUNTIME_IMAGE={runtime}", "--build-arg", $"SOURCE_REVISION={revision}",
             "-t", image, "-f", "Dockerfile", "."],
            TimeSpan.FromMinutes(15), SourceTree.Root);
        Assert.True(built == 0, $"podman build failed:\n{Tail(buildLog)}");
        output.WriteLine($"built in {clock.Elapsed.TotalSeconds:F0} s");

        // The pod's settings: the chart's rendered env, its user, memory limit and read-only root.
        var values = Yaml.Load(Path.Combine(HelmChartTests.ChartDir, "values.yaml"));
        var container = Yaml.At((await Helm.TemplateAsync()).Single("Deployment"), "spec.template.spec.containers.0");
        var env = ((List<object?>)Yaml.At(container, "env")!).Where(e => Yaml.Has(e, "value")).ToDictionary(e => Yaml.Str(e, "name"), e => Yaml.Str(e, "value"));
        var secrets = ((List<object?>)Yaml.At(container, "env")!).Where(e => Yaml.Has(e, "valueFrom")).Select(e => Yaml.Str(e, "name")).ToList();
        var servers = await SharedServers.ServiceSettingsAsync();
        Assert.All(secrets, s => Assert.True(servers.ContainsKey(s), $"{s} comes from a Secret the test cannot fill"));
        foreach (var (key, value) in servers)
        {
            env[key] = value!;
        }

        var (http, management) = (FreePort.Next(), FreePort.Next()); // host network: the chart's ports may be taken here
        env["ASPNETCORE_HTTP_PORTS"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Management__Port"] = management.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var drain = TimeSpan.FromSeconds(5); // shorter than the chart's 15 s; the behaviour is the same
        env["Health__DrainDelay"] = drain.ToString("c", System.Globalization.CultureInfo.InvariantCulture);

        var user = $"{Yaml.Str(values, "podSecurityContext.runAsUser")}:{Yaml.Str(values, "podSecurityContext.runAsGroup")}";
        var memory = Yaml.Str(values, "resources.limits.memory").Replace("Mi", "m", StringComparison.Ordinal);
        await podman.RunOrFailAsync(
            ["run", "-d", "--name", "app", "--runtime", "runc", "--network", "host", .. PodmanStore.Ulimits,
             "--user", user, "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,nosuid,nodev,size=64m",
             "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--memory", memory,
             .. env.SelectMany(e => new[] { "-e", $"{e.Key}={e.Value}" }), image]);
        await podman.TrackAsync("app");

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var readiness = $"http://127.0.0.1:{management}{env["Health__ReadinessPath"]}";
        try
        {
            await Poll.UntilAsync(() => StatusAsync(client, readiness), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "the container to become ready", TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException e)
        {
            Assert.Fail(e.Message + "\n" + Tail((await podman.RunAsync(["logs", "app"])).Output));
        }
        output.WriteLine($"ready {clock.Elapsed.TotalSeconds:F0} s after the test started");

        // The image reports the commit it was built from.
        using var info = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{http}/"));
        Assert.EndsWith("+" + revision, info.RootElement.GetProperty("version").GetString());

        // Its HEALTHCHECK (the self-probe) passes inside the container.
        var (healthy, healthLog) = await podman.RunAsync(["healthcheck", "run", "app"]);
        Assert.True(healthy == 0, $"podman healthcheck run: exit {healthy}: {healthLog}");

        // Nothing written outside /tmp: the container's changes are only podman's own name resolution.
        var changed = (await podman.RunOrFailAsync("diff", "app")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[2..]).ToList();
        Assert.True(changed.All(PodmanWrites.Contains), "written outside /tmp: " + string.Join(", ", changed));

        // SIGTERM: readiness 503 at once, the API served through the drain delay, then exit 0.
        var statuses = new List<(TimeSpan At, HttpStatusCode? Status)>();
        var stopping = Stopwatch.StartNew();
        var stop = podman.RunAsync(["stop", "-t", "60", "app"], TimeSpan.FromSeconds(90));
        while (!stop.IsCompleted)
        {
            statuses.Add((stopping.Elapsed, await StatusAsync(client, readiness)));
            await Task.Delay(50);
        }

        var (stopped, stopLog) = await stop;
        var took = stopping.Elapsed;
        Assert.True(stopped == 0, $"podman stop: exit {stopped}: {stopLog}");
        var logs = await podman.RunOrFailAsync("logs", "app");
        Assert.Equal("0", await podman.RunOrFailAsync("inspect", "app", "--format", "{{.State.ExitCode}}"));
        var first503 = statuses.FindIndex(s => s.Status == HttpStatusCode.ServiceUnavailable);
        Assert.True(first503 >= 0 && statuses[first503].At < TimeSpan.FromSeconds(2), "readiness did not answer 503 within 2 s of SIGTERM: " + string.Join(", ", statuses.Take(10)));
        Assert.DoesNotContain(statuses.Skip(first503), s => s.Status == HttpStatusCode.OK);
        Assert.InRange(took, drain - TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));
        output.WriteLine($"stopped after {took.TotalSeconds:F1} s (drain {drain.TotalSeconds} s); whole test {clock.Elapsed.TotalSeconds:F0} s");

        // Libraries the image lacks (Kerberos, ICU) were never asked for, and nothing failed.
        Assert.DoesNotContain("Cannot load library", logs);
        Assert.DoesNotContain("Read-only file system", logs);
        Assert.DoesNotMatch(@"(?m)^(crit|fail): ", logs);
        Assert.Contains("exiting 0", logs);
    }

    /// <summary>The Dockerfile's own base images where a registry answers, stand-ins otherwise (or with TEST_BASE_IMAGES=standin).</summary>
    private async Task<(string Sdk, string Runtime)> BaseImagesAsync(PodmanStore podman)
    {
        var dockerfile = await File.ReadAllTextAsync(SourceTree.PathOf("Dockerfile"));
        var (sdk, runtime) = (BaseImageArgument().Match(dockerfile, dockerfile.IndexOf("SDK_IMAGE=", StringComparison.Ordinal)).Groups[1].Value,
            BaseImageArgument().Match(dockerfile, dockerfile.IndexOf("RUNTIME_IMAGE=", StringComparison.Ordinal)).Groups[1].Value);
        var why = "TEST_BASE_IMAGES=standin";
        if (Environment.GetEnvironmentVariable("TEST_BASE_IMAGES") != "standin")
        {
            var (pulled, pullLog) = await podman.RunAsync(["pull", "-q", runtime], TimeSpan.FromMinutes(10));
            if (pulled == 0 && (await podman.RunAsync(["pull", "-q", sdk], TimeSpan.FromMinutes(10))).ExitCode == 0)
            {
                output.WriteLine($"base images: {sdk}, {runtime}");
                return (sdk, runtime);
            }

            why = pullLog.Trim().Split('\n')[^1];
        }

        var script = SourceTree.PathOf("tests", typeof(ContainerImageTests).Assembly.GetName().Name!, "Deploy", "standin-images.sh");
        var work = Path.Combine(podman.Folder, "standin");
        var (exit, log) = await ServerBinaries.ExecuteAsync("bash", [script, work, .. podman.Command], timeout: TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"standin-images.sh failed:\n{log}");
        var names = log.Trim().Split('\n')[^1].Split(' ');
        output.WriteLine($"base images: stand-ins {names[0]}, {names[1]} ({why})");
        return (names[0], names[1]);
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(url);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(60));

    [GeneratedRegex(@"=(\S+)")]
    private static partial Regex BaseImageArgument();
}
