using System.Text.RegularExpressions;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests;

/// <summary>
/// The service's top-level folders (one namespace each) depend on each other one way only, so a
/// newcomer can change one folder knowing which others it can affect. README, "Architecture".
/// Read from the source: every <c>using</c> and fully qualified name that reaches another folder.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly string RootNamespace = typeof(Program).Assembly.GetName().Name!;

    [Fact]
    public void Folders_depend_on_each_other_in_one_direction_only()
    {
        var graph = ReadGraph();
        Assert.True(graph.Count >= 5, $"expected the service's folders, found only: {string.Join(", ", graph.Keys)}");

        var cycles = graph.Keys.Select(folder => CycleThrough(folder, graph)).OfType<string>().Distinct().ToArray();
        Assert.True(cycles.Length == 0,
            "Folder dependencies form a cycle; move what both sides need into a neutral folder, or invert one edge " +
            $"with an interface owned by the lower folder:\n  {string.Join("\n  ", cycles)}\nGraph:\n{Describe(graph)}");
    }

    [Fact]
    public void The_reader_sees_a_dependency_written_as_a_using_or_a_qualified_name()
    {
        var usings = Targets("using " + RootNamespace + ".Health;\nnamespace x;", "Lifecycle");
        var qualified = Targets("var x = new " + RootNamespace + ".Data.AppDbContext();", "Lifecycle");
        Assert.Equal(["Health"], usings);
        Assert.Equal(["Data"], qualified);
    }

    private static Dictionary<string, SortedSet<string>> ReadGraph()
    {
        var project = SourceTree.PathOf("src", RootNamespace);
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || relative[0] is "bin" or "obj")
            {
                continue; // Program.cs is the composition root: it may use every folder.
            }

            var folder = relative[0];
            var edges = graph.TryGetValue(folder, out var e) ? e : graph[folder] = new SortedSet<string>(StringComparer.Ordinal);
            edges.UnionWith(Targets(File.ReadAllText(file), folder));
        }

        return graph;
    }

    private static IEnumerable<string> Targets(string source, string folder) =>
        Reference().Matches(NotCode().Replace(source, ""))
            .Select(m => m.Groups["folder"].Value).Where(target => target != folder).Distinct();

    /// <summary>A cycle through <paramref name="start"/>, written a → b → a, or null.</summary>
    private static string? CycleThrough(string start, Dictionary<string, SortedSet<string>> graph)
    {
        var path = new List<string> { start };
        return Walk(start);

        string? Walk(string node)
        {
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (next == start)
                {
                    return string.Join(" → ", path.Append(start));
                }

                if (path.Contains(next))
                {
                    continue;
                }

                path.Add(next);
                if (Walk(next) is { } cycle)
                {
                    return cycle;
                }

                path.RemoveAt(path.Count - 1);
            }

            return null;
        }
    }

    private static string Describe(Dictionary<string, SortedSet<string>> graph) =>
        string.Join("\n", graph.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"  {g.Key} → {string.Join(", ", g.Value)}"));

    /// <summary>In a using, a qualified name or a cref: the root namespace, then a folder.</summary>
    private static Regex Reference() => new(@"(?<![\w.])" + Regex.Escape(RootNamespace) + @"\.(?<folder>[A-Z]\w*)");

    /// <summary>
    /// Not dependencies: the file's own namespace declaration, and string literals (EF Core's model
    /// snapshot names entities by their full type name as text; the code does not depend on them).
    /// </summary>
    private static Regex NotCode() => new(@"^\s*namespace\s+[\w.]+|""(?:[^""\\\n]|\\.)*""", RegexOptions.Multiline);
}
