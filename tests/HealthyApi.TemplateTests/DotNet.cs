using System.Diagnostics;

namespace HealthyApi.TemplateTests;

internal static class DotNet
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args) =>
        ExecuteAsync("dotnet", workingDirectory, timeout, args);

    /// <summary>Runs a command to completion; returns its exit code and output (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> ExecuteAsync(string file, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The outer `dotnet test` sets these for its own test host; the inner build must not inherit them.
        foreach (var key in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(key);
        }

        // Nor does it leave build servers running after the test run. A generated service's ./test.sh
        // checks its own run for leftovers (TEST_TMPDIR names the outer run, not the inner one).
        start.Environment.Remove("TEST_TMPDIR");
        if (file == "bash")
        {
            // A generated ./test.sh makes its own temp folders from TMPDIR: the system's, not the outer
            // run's, so the paths of its servers' sockets stay as short as a user's.
            start.Environment.Remove("TMPDIR");
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        using var process = Process.Start(start)!;
        process.StandardInput.Close(); // as in a script or a CI job: no terminal, nobody to answer a prompt
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish within {timeout}.\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".template.config")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No .template.config above " + AppContext.BaseDirectory);
    }
}
