using System.Diagnostics;
using System.Globalization;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// What this test run owns: one temp folder, and every server and service process the fixtures start.
/// A detached reaper (its own session, so Ctrl+C and a killed test host do not take it down) waits for
/// this test process to end, however it ends, then kills the processes recorded here that are still
/// running and deletes the folder. It touches nothing else: each process is recorded with its start
/// time, so a PID the kernel has since reused for someone else's process is left alone.
/// </summary>
public static class TestRun
{
    private static readonly Lock Gate = new();

    /// <summary>A folder the postgres user can traverse, removed when the test run ends.</summary>
    public static string Root { get; } = Create();

    private static string Registry => Path.Combine(Root, "run.pids");

    /// <summary>Records a process this run started, so the reaper ends it if the run ends first.</summary>
    public static void Track(int pid)
    {
        if (StartTime(pid) is not { } started)
        {
            return; // already gone
        }

        lock (Gate)
        {
            File.AppendAllText(Registry, $"{pid} {started}\n");
        }
    }

    /// <summary>
    /// Records a folder of this run outside <see cref="Root"/> (a tool that needs a short path), so the
    /// reaper removes it too if the run ends before its owner does.
    /// </summary>
    public static void TrackFolder(string folder)
    {
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(Root, "run.folders"), folder + "\n");
        }
    }

    /// <summary>Unmounts whatever is mounted below a folder of this run (a container storage's layers), deepest first.</summary>
    public static void Unmount(string folder)
    {
        var mounts = File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(folder + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var mount in mounts)
        {
            using var umount = Process.Start("umount", ["-l", mount]);
            umount.WaitForExit();
        }
    }

    /// <summary>Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.</summary>
    public static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Create()
    {
        // test.sh gives each run a folder of its own (TEST_TMPDIR) and checks afterwards that nothing of it remains.
        var parent = Environment.GetEnvironmentVariable("TEST_TMPDIR") is { Length: > 0 } runDir ? runDir : Path.GetTempPath();
        File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute); // the postgres user passes through
        var root = Path.Combine(parent, $"{typeof(TestRun).Assembly.GetName().Name!.ToLowerInvariant()}-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0x1FF); // 0777: the postgres user writes its sockets and logs here
        File.WriteAllText(Path.Combine(root, "run.pids"), "");
        StartReaper(root);
        return root;
    }

    private static void StartReaper(string root)
    {
        // Kill what is still ours (SIGCONT first: a frozen server cannot die; SIGQUIT first for a PostgreSQL
        // postmaster, whose immediate shutdown takes its backends with it), then any process whose root
        // is below the folder (a container, or a build step chrooted into the run's container storage),
        // unmount what is mounted below it, then remove it.
        const string reaper = """
            exec </dev/null >/dev/null 2>&1
            parent=$1 parent_started=$2 root=$3
            alive() { [ "$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null)" = "$2" ]; }
            while alive "$parent" "$parent_started"; do sleep 1; done
            while read -r pid started; do
              alive "$pid" "$started" || continue
              kill -CONT "$pid" 2>/dev/null; kill -QUIT "$pid" 2>/dev/null
            done < "$root/run.pids"
            sleep 2
            while read -r pid started; do
              alive "$pid" "$started" && kill -KILL "$pid" 2>/dev/null
            done < "$root/run.pids"
            sleep 1
            for folder in $(cat "$root/run.folders" 2>/dev/null) "$root"; do
              for p in /proc/[0-9]*; do
                case "$(readlink "$p/root" 2>/dev/null)" in "$folder"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac
              done
              awk -v root="$folder/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n 1 umount -l
              rm -rf -- "$folder"
            done
            """;
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--fork", "bash", "-c", reaper, "reaper", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                     StartTime(Environment.ProcessId) ?? "", root })
        {
            start.ArgumentList.Add(arg);
        }

        // setsid --fork returns at once; the reaper's own output goes nowhere, so it holds no pipe of the run open.
        using var launcher = Process.Start(start)!;
        launcher.StandardInput.Close();
        launcher.WaitForExit();
    }
}
