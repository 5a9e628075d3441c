using System.Globalization;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// podman with a storage of its own in this run's folder: images, containers and podman's state live
/// there and nowhere else, so nothing of a run is left in the machine's podman. Containers run under
/// runc (crun fails on some kernels' cgroup setups); their processes are registered with the run's reaper,
/// and the reaper unmounts what is mounted below the folder before removing it.
/// </summary>
public sealed class PodmanStore : IAsyncDisposable
{
    /// <summary>The limits podman's defaults exceed in unprivileged sandboxes (and that any pod has anyway).</summary>
    public static readonly string[] Ulimits = ["--ulimit", "nofile=1024:20000", "--ulimit", "nproc=4096:4096"];

    private readonly string root = Path.Combine(TestRun.Root, "podman-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>podman refuses a runroot over 50 characters (its sockets' paths must fit): this one is short, in /tmp.</summary>
    private readonly string runRoot = Path.Combine("/tmp", "podman-run-" + Guid.NewGuid().ToString("N")[..8]);

    public PodmanStore()
    {
        foreach (var dir in new[] { "storage", "libpod", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        TestRun.TrackFolder(runRoot);
        Directory.CreateDirectory(runRoot);
    }

    public string Folder => root;

    public string[] Command =>
    [
        "env", $"TMPDIR={root}/tmp", DeployTools.Podman!,
        "--root", $"{root}/storage", "--runroot", runRoot, "--tmpdir", $"{root}/libpod",
        "--events-backend", "none", "--cgroup-manager", "cgroupfs", "--storage-driver", "overlay",
    ];

    public Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null) =>
        ServerBinaries.ExecuteAsync(Command[0], [.. Command[1..], .. args], workingDirectory, timeout: timeout);

    public async Task<string> RunOrFailAsync(params string[] args)
    {
        var (exit, output) = await RunAsync(args);
        Assert.True(exit == 0, $"podman {string.Join(' ', args)} exited {exit}:\n{output}");
        return output.Trim();
    }

    /// <summary>Registers a running container's process and its monitor with the run's reaper.</summary>
    public async Task TrackAsync(string container)
    {
        var pids = await RunOrFailAsync("inspect", container, "--format", "{{.State.Pid}} {{.State.ConmonPid}}");
        foreach (var pid in pids.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Where(p => p > 0))
        {
            TestRun.Track(pid);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(["rm", "--all", "--force", "--time", "0"]);
        await RunAsync(["unmount", "--all", "--force"]);
        foreach (var folder in new[] { runRoot, root })
        {
            TestRun.Unmount(folder);
            Directory.Delete(folder, recursive: true);
        }
    }
}
