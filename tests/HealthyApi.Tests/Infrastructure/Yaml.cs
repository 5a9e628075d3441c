using YamlDotNet.RepresentationModel;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>YAML documents as plain dictionaries, lists and strings, for assertions on deploy assets.</summary>
public static class Yaml
{
    public static List<Dictionary<string, object?>> LoadAll(string path)
    {
        using var reader = new StreamReader(path);
        return ParseAll(reader);
    }

    /// <summary>Every mapping document of a YAML text (helm's or kubectl's output).</summary>
    public static List<Dictionary<string, object?>> ParseAll(string text) => ParseAll(new StringReader(text));

    private static List<Dictionary<string, object?>> ParseAll(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => (Dictionary<string, object?>)Convert(d.RootNode)!).ToList();
    }

    public static Dictionary<string, object?> Load(string path) => LoadAll(path).Single();

    /// <summary>Walks a dotted path (<c>probes.liveness.periodSeconds</c>); list items by index (<c>containers.0</c>).</summary>
    public static object? At(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                Dictionary<string, object?> map => map.TryGetValue(part, out var value) ? value : throw new KeyNotFoundException($"no '{part}' in {path}"),
                List<object?> list => list[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)],
                _ => throw new KeyNotFoundException($"'{part}' of {path} is under a scalar"),
            };
        }

        return node;
    }

    public static bool Has(object? node, string path)
    {
        try
        {
            At(node, path);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    public static string Str(object? node, string path) => At(node, path) as string ?? throw new InvalidDataException($"{path} is not a scalar");

    public static int Int(object? node, string path) => int.Parse(Str(node, path), System.Globalization.CultureInfo.InvariantCulture);

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Convert(c.Value)),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };
}
