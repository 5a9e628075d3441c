namespace HealthyApi.Tests.Infrastructure;

/// <summary>The repository (or generated project) the tests were built from: for tests that check files such as deploy assets.</summary>
public static class SourceTree
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "deploy")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no folder with deploy/ and src/ above {AppContext.BaseDirectory}");
    }
}
