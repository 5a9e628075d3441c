namespace HealthyApi.TemplateTests;

/// <summary>
/// `dotnet new healthy-api -n Acme.Orders`, run once for the test class: the template is installed from
/// this checkout into an isolated hive (the user's own template list is never touched).
/// </summary>
public sealed class GeneratedProject : IAsyncLifetime
{
    public const string Name = "Acme.Orders";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "healthy-template-" + Guid.NewGuid().ToString("N")[..8]);

    public string Directory => Path.Combine(_root, "out", Name);

    public string CreationOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var hive = Path.Combine(_root, "hive");
        System.IO.Directory.CreateDirectory(hive);
        var install = await DotNet.RunAsync(_root, TimeSpan.FromMinutes(2), "new", "install", DotNet.RepositoryRoot, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.Output);

        var create = await DotNet.RunAsync(_root, TimeSpan.FromMinutes(2), "new", "healthy-api", "-n", Name, "-o", Directory, "--debug:custom-hive", hive);
        Assert.True(create.ExitCode == 0, create.Output);
        CreationOutput = create.Output;
    }

    public Task DisposeAsync()
    {
        try { System.IO.Directory.Delete(_root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
