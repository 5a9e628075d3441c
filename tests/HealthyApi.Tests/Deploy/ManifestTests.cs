using System.Globalization;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// The plain manifests (deploy/manifests) as kubectl kustomize builds them: valid against the Kubernetes
/// schemas, and the same pod as the chart's default render wherever it matters (probes, ports, env,
/// security context, resources, budget and policy). Names and labels may differ; nothing else may.
/// </summary>
public sealed class ManifestTests
{
    [FactWith(Tool.Kubectl, Tool.Validators)]
    public async Task Kustomize_builds_objects_that_satisfy_the_Kubernetes_schemas()
    {
        var built = await KustomizeAsync();
        var report = await SchemaValidator.AssertValidAsync("kubernetes", built.File);
        Assert.Contains("checked 5 document(s)", report);
    }

    [FactWith(Tool.Kubectl, Tool.Helm)]
    public async Task Kustomize_builds_the_same_pod_budget_and_policy_as_the_charts_default_render()
    {
        var manifests = await KustomizeAsync();
        var chart = await Helm.TemplateAsync();
        var differences = new List<string>();
        foreach (var kind in new[] { "Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy" })
        {
            Compare(kind, Meaning(chart.Single(kind)), Meaning(manifests.Single(kind)), differences);
        }

        Assert.True(differences.Count == 0, "deploy/manifests differs from the chart's default render:\n" + string.Join('\n', differences));
    }

    [Fact]
    public void The_semantic_diff_sees_a_changed_probe()
    {
        // The comparison above must be able to fail: a probe threshold changed on one side is reported.
        var one = new Dictionary<string, object?> { ["spec"] = new Dictionary<string, object?> { ["failureThreshold"] = "3", ["ports"] = new List<object?> { "8080" } } };
        var other = new Dictionary<string, object?> { ["spec"] = new Dictionary<string, object?> { ["failureThreshold"] = "4", ["ports"] = new List<object?> { "8080" } } };
        var differences = new List<string>();
        Compare("Deployment", one, other, differences);
        Assert.Equal(["Deployment spec.failureThreshold: chart 3, manifests 4"], differences);
    }

    private static async Task<Rendered> KustomizeAsync()
    {
        var (exit, output) = await ServerBinaries.ExecuteAsync(DeployTools.Kubectl!, ["kustomize", SourceTree.PathOf("deploy", "manifests")]);
        Assert.True(exit == 0, $"kubectl kustomize failed:\n{output}");
        return await Rendered.SaveAsync("kustomized", output);
    }

    /// <summary>What an object does, without what only names it: metadata, selectors and pod labels.</summary>
    private static Dictionary<string, object?> Meaning(Dictionary<string, object?> o)
    {
        var copy = new Dictionary<string, object?>(o);
        copy.Remove("metadata");
        if (copy.TryGetValue("spec", out var s) && s is Dictionary<string, object?> spec)
        {
            spec = new Dictionary<string, object?>(spec);
            spec.Remove("selector");
            spec.Remove("podSelector");
            if (spec.TryGetValue("template", out var t) && t is Dictionary<string, object?> template)
            {
                spec["template"] = new Dictionary<string, object?>(template) { ["metadata"] = null };
            }

            copy["spec"] = spec;
        }

        return copy;
    }

    private static void Compare(string at, object? chart, object? manifests, List<string> differences)
    {
        switch (chart, manifests)
        {
            case (Dictionary<string, object?> a, Dictionary<string, object?> b):
                foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
                {
                    Compare(at + (at.Contains(' ', StringComparison.Ordinal) ? "." : " ") + key, a.GetValueOrDefault(key), b.GetValueOrDefault(key), differences);
                }

                break;
            case (List<object?> a, List<object?> b) when a.Count == b.Count:
                for (var i = 0; i < a.Count; i++)
                {
                    Compare(at + Label(a[i], i), a[i], b[i], differences);
                }

                break;
            default:
                if (Flat(chart) != Flat(manifests))
                {
                    differences.Add($"{at}: chart {Flat(chart)}, manifests {Flat(manifests)}");
                }

                break;
        }
    }

    /// <summary>List items by name where they have one (env, ports, volumes), so a diff says which.</summary>
    private static string Label(object? item, int index) =>
        item is Dictionary<string, object?> map && map.TryGetValue("name", out var name) ? $"[{name}]" : string.Create(CultureInfo.InvariantCulture, $"[{index}]");

    private static string Flat(object? node) => node switch
    {
        null => "(absent)",
        string s => s,
        Dictionary<string, object?> map => "{" + string.Join(", ", map.Select(kv => kv.Key + ": " + Flat(kv.Value))) + "}",
        List<object?> list => "[" + string.Join(", ", list.Select(Flat)) + "]",
        _ => node.ToString() ?? "",
    };
}
