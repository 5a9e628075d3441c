namespace HealthyApi.TemplateTests;

/// <summary>
/// The template package as a team would get it from a feed: `dotnet pack templates` once per run, then
/// `dotnet new install` of the .nupkg into an isolated hive (the user's own template list is never
/// touched). Every generated project in these tests comes from that package.
/// </summary>
public sealed class TemplatePackage : IAsyncLifetime
{
    public const string Name = "Acme.Orders";

    private readonly Lazy<Task<string>> _default;

    public TemplatePackage() => _default = new(() => CreateAsync("default"));

    /// <summary>Inside the run's own folder when test.sh gives one (TEST_TMPDIR), which it checks is gone afterwards.</summary>
    public string Root { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("TEST_TMPDIR") is { Length: > 0 } run ? run : Path.GetTempPath(),
        "healthy-template-" + Guid.NewGuid().ToString("N")[..8]);

    public string Hive => Path.Combine(Root, "hive");

    public string NupkgPath { get; private set; } = "";

    public string InstallOutput { get; private set; } = "";

    /// <summary>`dotnet new healthy-api -n Acme.Orders` with no options, created once.</summary>
    public Task<string> DefaultProjectAsync() => _default.Value;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Hive);
        var packages = Path.Combine(Root, "packages");
        var pack = await DotNet.RunAsync(DotNet.RepositoryRoot, TimeSpan.FromMinutes(3),
            "pack", Path.Combine("templates", "HealthyApi.Templates.csproj"), "-c", "Release", "-o", packages, "-nologo");
        Assert.True(pack.ExitCode == 0, pack.Output);
        NupkgPath = Directory.GetFiles(packages, "HealthyApi.Templates.*.nupkg").Single();

        var install = await NewAsync(Root, "install", NupkgPath);
        Assert.True(install.ExitCode == 0, install.Output);
        InstallOutput = install.Output;
    }

    /// <summary>`dotnet new healthy-api -n Acme.Orders [options]` into a folder of its own; returns the project's root.</summary>
    public async Task<string> CreateAsync(string folder, params string[] options)
    {
        var directory = Path.Combine(Root, "out", folder, Name);
        var create = await NewAsync(Root, ["healthy-api", "-n", Name, "-o", directory, .. options]);
        Assert.True(create.ExitCode == 0, create.Output);
        return directory;
    }

    /// <summary>`dotnet new …` against the isolated hive.</summary>
    public Task<(int ExitCode, string Output)> NewAsync(string workingDirectory, params string[] args) =>
        DotNet.RunAsync(workingDirectory, TimeSpan.FromMinutes(3), ["new", .. args, "--debug:custom-hive", Hive]);

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>One package for every test class; the generated projects build and test one at a time (2 cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TemplateCollection : ICollectionFixture<TemplatePackage>
{
    public const string Name = "template package";
}
