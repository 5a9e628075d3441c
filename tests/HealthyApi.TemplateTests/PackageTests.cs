using System.IO.Compression;

namespace HealthyApi.TemplateTests;

/// <summary>What `dotnet pack templates` puts in the .nupkg, and what `dotnet new` then offers.</summary>
[Collection(TemplateCollection.Name)]
public sealed class PackageTests(TemplatePackage package)
{
    [Fact]
    public void The_package_holds_both_templates_and_no_build_output_or_repository_only_files()
    {
        using var zip = ZipFile.OpenRead(package.NupkgPath);
        var entries = zip.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("content/healthy-api/.template.config/template.json", entries);
        Assert.Contains("content/healthy-check/.template.config/template.json", entries);
        Assert.Contains("content/healthy-api/src/HealthyApi/Program.cs", entries);
        // NuGet reads an extension-less PackagePath as a folder: the Dockerfile must stay a file.
        Assert.Contains("content/healthy-api/Dockerfile", entries);
        foreach (var forbidden in new[] { "/bin/", "/obj/", "/.git/", "/.ci/", "content/healthy-api/bench/", "content/healthy-api/templates/", "HealthyApi.TemplateTests", "/TestResults/", ".nupkg" })
        {
            var hits = entries.Where(e => e.Contains(forbidden, StringComparison.Ordinal)).ToList();
            Assert.True(hits.Count == 0, $"{forbidden} in the package:\n{string.Join('\n', hits.Take(10))}");
        }
    }

    [Fact]
    public async Task Install_lists_both_templates_and_help_describes_every_option()
    {
        Assert.Contains("healthy-api", package.InstallOutput);
        Assert.Contains("healthy-check", package.InstallOutput);

        var (exitCode, help) = await package.NewAsync(package.Root, "healthy-api", "--help");
        Assert.True(exitCode == 0, help);
        foreach (var option in new[] { "--postgres", "--redis", "--management-port", "--drain-delay" })
        {
            var line = help.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
            Assert.True(line is not null && line.Trim().Length > option.Length + 20, $"no description for {option} in:\n{help}");
        }

        Assert.Contains("Default: 8081", help);
        Assert.Contains("Default: 15", help);
    }
}
