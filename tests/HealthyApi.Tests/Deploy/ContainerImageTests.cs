using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
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
public sealed class ContainerImageTests(DockerfileBaseImages images, ITestOutputHelper output) : IClassFixture<DockerfileBaseImages>
{
    /// <summary>The files podman itself writes into a container: its name resolution.</summary>
    private static readonly string[] PodmanWrites = ["/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

    [FactWith(Tool.Podman, Tool.Helm)]
    public async Task The_Dockerfile_builds_and_the_image_runs_drains_and_stops_as_the_chart_runs_the_pod()
    {
        var podman = images.Podman!;
        var (sdk, runtime) = (images.Sdk, images.Runtime);
        output.WriteLine($"base images: {images.Source}");
        var clock = Stopwatch.StartNew();

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

    [FactWith(Tool.Podman)]
    public async Task The_build_stage_runs_on_the_builders_platform_and_cross_compiles_ready_to_run_code()
    {
        // A multi-arch build (docker buildx --platform linux/amd64,linux/arm64) must not run the SDK under
        // emulation: the build stage is FROM --platform=$BUILDPLATFORM and publishes with -a $TARGETARCH. No
        // emulator is registered on a plain machine, so an SDK stage of the other architecture fails at its
        // first RUN ("exec format error"); here it must build, and leave the other architecture's code.
        var podman = images.Podman!;
        output.WriteLine($"base images: {images.Source}");
        var (host, other) = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? ("arm64", "amd64") : ("amd64", "arm64");
        var emulated = Directory.Exists("/proc/sys/fs/binfmt_misc") && Directory.EnumerateFiles("/proc/sys/fs/binfmt_misc", "qemu-*").Any();
        output.WriteLine(emulated ? "an emulator is registered (binfmt_misc): a build under emulation would pass too; the R2R target still proves -a $TARGETARCH" : "no emulator registered");

        var image = $"localhost/{typeof(Program).Assembly.GetName().Name!.ToLowerInvariant()}:build-{other}";
        var clock = Stopwatch.StartNew();
        var (built, buildLog) = await podman.RunAsync(
            ["build", "--isolation", "chroot", "--network", "host", .. PodmanStore.Ulimits, "--pull=never", "--target", "build",
             "--platform", $"linux/{other}",
             // buildx sets BUILDPLATFORM itself; podman 4.3 (Debian 12) leaves it empty, which would mean the target's.
             "--build-arg", $"BUILDPLATFORM=linux/{host}",
             "--build-arg", $"SDK_IMAGE={images.Sdk}", "--build-arg", $"RUNTIME_IMAGE={images.Runtime}",
             "-t", image, "-f", "Dockerfile", "."],
            TimeSpan.FromMinutes(15), SourceTree.Root);
        Assert.True(built == 0, $"podman build --platform linux/{other} --target build failed:\n{Tail(buildLog)}");
        output.WriteLine($"built for {other} on {host} in {clock.Elapsed.TotalSeconds:F0} s");

        var assembly = typeof(Program).Assembly.GetName().Name + ".dll";
        await podman.RunOrFailAsync("create", "--name", $"build-{other}", "--platform", $"linux/{other}", "--pull=never", image, "true"); // created, never run
        var copy = Path.Combine(podman.Folder, assembly);
        await podman.RunOrFailAsync("cp", $"build-{other}:/app/{assembly}", copy);
        Assert.Equal(ReadyToRunMachine(other), PeMachine(copy));
    }

    /// <summary>The PE header's machine field: ReadyToRun code for Linux stores the architecture's value XOR 0x7B79.</summary>
    private static int PeMachine(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pe = BitConverter.ToInt32(bytes, 0x3C);
        return BitConverter.ToUInt16(bytes, pe + 4);
    }

    private static int ReadyToRunMachine(string architecture) => (architecture == "arm64" ? 0xAA64 : 0x8664) ^ 0x7B79;

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
}
