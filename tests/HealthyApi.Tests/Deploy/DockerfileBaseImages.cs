using System.Text.RegularExpressions;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// One podman storage for the image tests of a run, holding the Dockerfile's own base images where a
/// registry answers, and stand-ins otherwise (Deploy/standin-images.sh; TEST_BASE_IMAGES=standin forces
/// them). Assembled once: the stand-in SDK alone is 700 MB.
/// </summary>
public sealed partial class DockerfileBaseImages : IAsyncLifetime
{
    public PodmanStore? Podman { get; private set; }

    public string Sdk { get; private set; } = "";

    public string Runtime { get; private set; } = "";

    /// <summary>Which images, and why stand-ins where they are.</summary>
    public string Source { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DeployTools.Podman is null)
        {
            return; // the tests are skipped and say what to install
        }

        Podman = new PodmanStore();
        var dockerfile = await File.ReadAllTextAsync(SourceTree.PathOf("Dockerfile"));
        var (sdk, runtime) = (BaseImageArgument().Match(dockerfile, dockerfile.IndexOf("SDK_IMAGE=", StringComparison.Ordinal)).Groups[1].Value,
            BaseImageArgument().Match(dockerfile, dockerfile.IndexOf("RUNTIME_IMAGE=", StringComparison.Ordinal)).Groups[1].Value);
        var why = "TEST_BASE_IMAGES=standin";
        if (Environment.GetEnvironmentVariable("TEST_BASE_IMAGES") != "standin")
        {
            var (pulled, pullLog) = await Podman.RunAsync(["pull", "-q", runtime], TimeSpan.FromMinutes(10));
            if (pulled == 0 && (await Podman.RunAsync(["pull", "-q", sdk], TimeSpan.FromMinutes(10))).ExitCode == 0)
            {
                (Sdk, Runtime, Source) = (sdk, runtime, $"{sdk}, {runtime}");
                return;
            }

            why = pullLog.Trim().Split('\n')[^1];
        }

        var script = SourceTree.PathOf("tests", typeof(DockerfileBaseImages).Assembly.GetName().Name!, "Deploy", "standin-images.sh");
        var (exit, log) = await ServerBinaries.ExecuteAsync("bash", [script, Path.Combine(Podman.Folder, "standin"), .. Podman.Command], timeout: TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"standin-images.sh failed:\n{log}");
        var names = log.Trim().Split('\n')[^1].Split(' ');
        (Sdk, Runtime, Source) = (names[0], names[1], $"stand-ins {names[0]}, {names[1]} ({why})");
    }

    public async Task DisposeAsync()
    {
        if (Podman is not null)
        {
            await Podman.DisposeAsync();
        }
    }

    [GeneratedRegex(@"=(\S+)")]
    private static partial Regex BaseImageArgument();
}
