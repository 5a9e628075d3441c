using System.Text.RegularExpressions;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// There is no Docker engine here, so the build stage runs as written outside Docker: the Dockerfile's
/// COPY lines (minus what .dockerignore leaves out) into a temp folder, then its RUN lines there. The
/// result must run: the self-probe, which the image's HEALTHCHECK uses, answers 1 with nothing listening.
/// </summary>
[Collection(nameof(CpuHeavy))]
public sealed partial class DockerfilePublishTests
{
    [Fact]
    public async Task The_build_stage_restores_and_publishes_as_written()
    {
        var lines = File.ReadAllLines(SourceTree.PathOf("Dockerfile"));
        var buildStage = lines.SkipWhile(l => !(l.StartsWith("FROM", StringComparison.Ordinal) && l.EndsWith(" AS build", StringComparison.Ordinal)))
            .Skip(1)
            .TakeWhile(l => !l.StartsWith("FROM", StringComparison.Ordinal))
            .ToList();
        var context = Path.Combine(TestRun.Root, "docker-build-" + Guid.NewGuid().ToString("N")[..8]);
        var workdir = Path.Combine(context, "src-root");
        var output = Path.Combine(context, "app");
        var runs = 0;
        foreach (var line in buildStage)
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from", StringComparison.Ordinal))
            {
                // Docker's rules for what this Dockerfile uses: the destination is a folder (ends in '/'),
                // a file source lands in it by name, a folder source has its contents copied into it.
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
                Assert.EndsWith("/", parts[^1]);
                var destination = Path.GetFullPath(Path.Combine(workdir, parts[^1]));
                foreach (var source in parts[..^1].Select(p => SourceTree.PathOf(p.TrimEnd('/'))))
                {
                    CopyIgnoringBuildOutput(source, destination);
                }
            }
            else if (line.StartsWith("RUN ", StringComparison.Ordinal))
            {
                var command = line[4..].Replace(" /app", " " + output, StringComparison.Ordinal);
                var (exit, log) = await ServerBinaries.ExecuteAsync("bash", ["-c", command], workdir, timeout: TimeSpan.FromMinutes(5));
                Assert.True(exit == 0, $"'{command}' exited {exit}:\n{log}");
                runs++;
            }
        }

        Assert.Equal(2, runs); // restore, publish
        var dll = Path.Combine(output, typeof(Program).Assembly.GetName().Name + ".dll");
        Assert.True(File.Exists(dll), $"publish did not produce {dll}");
        var settings = new[] { "Management__Port=" + FreePort.Next() };
        var (probeExit, probeLog) = await ServerBinaries.ExecuteAsync("env", [.. settings, "dotnet", dll, "probe", "readiness"], output);
        Assert.True(probeExit == 1, $"the published self-probe should exit 1 with nothing listening; exit {probeExit}: {probeLog}");
        Directory.Delete(context, recursive: true);
    }

    /// <summary>What .dockerignore leaves out of the context: bin/ and obj/ (a stale obj/ would change the restore).</summary>
    private static void CopyIgnoringBuildOutput(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        if (File.Exists(source))
        {
            File.Copy(source, Path.Combine(destination, Path.GetFileName(source)), overwrite: true);
            return;
        }

        foreach (var path in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, path);
            if (!BuildOutput().IsMatch(relative))
            {
                var file = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(path, file, overwrite: true);
            }
        }
    }

    [GeneratedRegex(@"(^|/)(bin|obj|TestResults)(/|$)")]
    private static partial Regex BuildOutput();
}
