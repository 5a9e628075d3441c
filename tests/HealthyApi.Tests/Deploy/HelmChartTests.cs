using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// The chart through the real helm: lint --strict and template over a values matrix, every rendered
/// object against the Kubernetes schemas, and the defects those tools and review found, one test each.
/// </summary>
public sealed class HelmChartTests
{
    public static string ChartDir { get; } = Directory.GetDirectories(SourceTree.PathOf("deploy", "helm")).Single();

    /// <summary>helm refuses release names over 53 characters; this one has exactly 53.</summary>
    private const string LongRelease = "payments-reconciliation-worker-eu-west-1-production-b";

    /// <summary>Every optional feature on at once.</summary>
    private const string AllFeatures = """
        ingress:
          enabled: true
          className: nginx
          annotations:
            nginx.ingress.kubernetes.io/proxy-body-size: 1m
          hosts:
            - host: api.example.com
              paths:
                - path: /
                  pathType: Prefix
          tls:
            - secretName: api-example-com-tls
              hosts:
                - api.example.com
        autoscaling:
          enabled: true
          minReplicas: 2
          maxReplicas: 10
        metrics:
          podMonitor:
            enabled: true
            labels:
              release: prometheus
          serviceMonitor:
            enabled: true
        networkPolicy:
          httpFrom:
            - namespaceSelector:
                matchLabels:
                  kubernetes.io/metadata.name: ingress-nginx
        admin:
          tokenSecretName: admin-token
        otel:
          endpoint: http://otel-collector.observability:4317
        extraEnv:
          - name: Logging__LogLevel__Default
            value: Warning
        resources:
          requests:
            cpu: 250m
            memory: 192Mi
          limits:
            cpu: "1"
            memory: 384Mi
        volumes:
          - name: ca-bundle
            secret:
              secretName: ca-bundle
        volumeMounts:
          - name: ca-bundle
            mountPath: /etc/ssl/custom
            readOnly: true
        podAnnotations:
          example.com/team: payments
        podLabels:
          example.com/tier: api
        topologySpreadConstraints:
          - maxSkew: 1
            topologyKey: topology.kubernetes.io/zone
            whenUnsatisfiable: ScheduleAnyway
            labelSelector:
              matchLabels:
                app.kubernetes.io/name: healthy-api
        """;

    public static TheoryData<string, string, string> Matrix => new()
    {
        { "defaults", "healthy-api", "" },
        { "every optional feature", "healthy-api", AllFeatures },
        { "one replica", "healthy-api", "replicaCount: 1" },
        { "three replicas", "healthy-api", "replicaCount: 3" },
        { "a 53-character release name with a ServiceMonitor", LongRelease, "metrics:\n  serviceMonitor:\n    enabled: true" },
        { "a 53-character release name, every feature", LongRelease, AllFeatures },
    };

    [Fact]
    public void Chart_has_the_layout_helm_create_gives()
    {
        foreach (var file in new[] { "Chart.yaml", "values.yaml", "values.schema.json", ".helmignore", "README.md",
                     "templates/_helpers.tpl", "templates/deployment.yaml", "templates/service.yaml", "templates/serviceaccount.yaml",
                     "templates/pdb.yaml", "templates/networkpolicy.yaml", "templates/podmonitor.yaml", "templates/servicemonitor.yaml",
                     "templates/hpa.yaml", "templates/ingress.yaml", "templates/NOTES.txt", "templates/tests/test-connection.yaml" })
        {
            Assert.True(File.Exists(Path.Combine(ChartDir, file)), $"{file} is missing from {ChartDir}");
        }

        var chart = Yaml.Load(Path.Combine(ChartDir, "Chart.yaml"));
        Assert.Equal("v2", Yaml.Str(chart, "apiVersion"));
        Assert.Equal(Path.GetFileName(ChartDir), Yaml.Str(chart, "name"));
    }

    [TheoryWith(Tool.Helm, Tool.Validators)]
    [MemberData(nameof(Matrix))]
    public async Task Lints_strictly_and_every_rendered_object_satisfies_the_Kubernetes_schemas(string values_, string release, string values)
    {
        _ = values_; // names the case in the test output
        await Helm.LintAsync(values);
        var rendered = await Helm.TemplateAsync(values, release);
        await SchemaValidator.AssertValidAsync("kubernetes", rendered.File);

        // The API server's limits, which neither lint nor the schemas check.
        foreach (var o in rendered.Objects)
        {
            var name = Yaml.Str(o, "metadata.name");
            Assert.True(name.Length <= 63, $"{Yaml.Str(o, "kind")} {name}: {name.Length} characters, the API server takes at most 63");
            Assert.Matches("^[a-z]([-a-z0-9]*[a-z0-9])?$", name);
            foreach (var (key, value) in (Dictionary<string, object?>)Yaml.At(o, "metadata.labels")!)
            {
                Assert.True(((string)value!).Length <= 63, $"{name}: label {key} is over 63 characters");
            }
        }

        Assert.Equal(["Deployment", "NetworkPolicy", "Pod", "Service", "ServiceAccount"], rendered.Objects.Select(o => Yaml.Str(o, "kind")).Distinct().Intersect(["Deployment", "NetworkPolicy", "Pod", "Service", "ServiceAccount"]).Order());
    }

    [TheoryWith(Tool.Helm)]
    [InlineData("replicaCount: two", "replicaCount")]
    [InlineData("probes:\n  liveness:\n    perodSeconds: 10", "perodSeconds")]
    [InlineData("health:\n  drainDelaySeconds: \"15\"", "drainDelaySeconds")]
    [InlineData("health:\n  readinessPath: readyz", "readinessPath")]
    [InlineData("ports:\n  management: 70000", "management")]
    [InlineData("otel:\n  protocol: http", "protocol")]
    [InlineData("replicas: 3", "replicas")]
    [InlineData("tests:\n  image: busybox", "image")]
    public async Task A_wrong_type_or_unknown_key_is_rejected_by_the_values_schema(string yaml, string named)
    {
        var (exit, output) = await Helm.RunAsync("template", "healthy-api", ChartDir, "-f", Helm.ValuesFile(yaml));
        Assert.True(exit != 0, $"helm accepted: {yaml}");
        Assert.Contains("schema", output);
        Assert.Contains(named, output);
    }

    [FactWith(Tool.Helm)]
    public async Task Probes_are_on_the_management_port_and_the_service_exposes_only_the_app_port()
    {
        var rendered = await Helm.TemplateAsync();
        var container = Yaml.At(rendered.Single("Deployment"), "spec.template.spec.containers.0");
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            Assert.Equal("management", Yaml.Str(container, $"{probe}.httpGet.port"));
        }

        var service = rendered.OfKind("Service").Single(s => !Yaml.Has(s, "spec.clusterIP"));
        var port = Assert.Single((List<object?>)Yaml.At(service, "spec.ports")!);
        Assert.Equal("http", Yaml.Str(port, "targetPort"));
    }

    [FactWith(Tool.Helm)]
    public async Task The_disruption_budget_lets_unready_pods_be_evicted()
    {
        // When a dependency is down every pod is unready; IfHealthyBudget (the default) would then refuse
        // every eviction and block node drains for the whole outage.
        var pdb = (await Helm.TemplateAsync("replicaCount: 2")).Single("PodDisruptionBudget");
        Assert.Equal("AlwaysAllow", Yaml.Str(pdb, "spec.unhealthyPodEvictionPolicy"));
    }

    [TheoryWith(Tool.Helm)]
    [InlineData("replicaCount: 1", false)]
    [InlineData("replicaCount: 2", true)]
    [InlineData("replicaCount: 3\nautoscaling:\n  enabled: true\n  minReplicas: 1", false)]
    [InlineData("replicaCount: 1\nautoscaling:\n  enabled: true\n  minReplicas: 2", true)]
    public async Task The_disruption_budget_renders_only_when_more_than_one_replica_always_runs(string values, bool expected)
    {
        var rendered = await Helm.TemplateAsync(values);
        Assert.Equal(expected, rendered.OfKind("PodDisruptionBudget").Any());
    }

    [FactWith(Tool.Helm)]
    public async Task An_autoscaler_minimum_above_its_maximum_is_refused()
    {
        var (exit, output) = await Helm.RunAsync("template", "healthy-api", ChartDir, "-f", Helm.ValuesFile("autoscaling:\n  enabled: true\n  minReplicas: 5\n  maxReplicas: 3"));
        Assert.True(exit != 0, "helm rendered minReplicas 5 > maxReplicas 3");
        Assert.Contains("autoscaling.minReplicas (5) must not exceed autoscaling.maxReplicas (3)", output);
    }

    [FactWith(Tool.Helm)]
    public async Task The_test_pod_is_restricted_pinned_tokenless_and_outside_the_apps_selectors()
    {
        var rendered = await Helm.TemplateAsync("networkPolicy:\n  httpFrom:\n    - podSelector:\n        matchLabels:\n          role: frontend");
        var pod = rendered.Single("Pod");
        Assert.Equal("test", ((Dictionary<string, object?>)Yaml.At(pod, "metadata.annotations")!)["helm.sh/hook"]);

        // Pod Security "restricted", as the app's own pod.
        Assert.Equal("true", Yaml.Str(pod, "spec.securityContext.runAsNonRoot"));
        Assert.Equal("RuntimeDefault", Yaml.Str(pod, "spec.securityContext.seccompProfile.type"));
        var container = Yaml.At(pod, "spec.containers.0");
        Assert.Equal("false", Yaml.Str(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal("ALL", Yaml.Str(container, "securityContext.capabilities.drop.0"));
        Assert.Equal("false", Yaml.Str(pod, "spec.automountServiceAccountToken"));
        Assert.Matches(@"^[^:@]+:[\w][\w.-]*$", Yaml.Str(container, "image"));
        Assert.DoesNotMatch(":latest$", Yaml.Str(container, "image"));

        // No selector of the app's takes the test pod for an app pod...
        var labels = (Dictionary<string, object?>)Yaml.At(pod, "metadata.labels")!;
        foreach (var (kind, path) in new[] { ("Deployment", "spec.selector.matchLabels"), ("Service", "spec.selector"), ("PodDisruptionBudget", "spec.selector.matchLabels"), ("NetworkPolicy", "spec.podSelector.matchLabels") })
        {
            var selector = (Dictionary<string, object?>)Yaml.At(rendered.OfKind(kind).First(), path)!;
            Assert.False(selector.All(s => labels.TryGetValue(s.Key, out var v) && Equals(v, s.Value)), $"the {kind}'s selector matches the test pod");
        }

        // ...and a NetworkPolicy that admits only some callers still admits the test.
        var httpRule = Yaml.At(rendered.Single("NetworkPolicy"), "spec.ingress.0");
        Assert.Equal("http", Yaml.Str(httpRule, "ports.0.port"));
        Assert.Contains((List<object?>)Yaml.At(httpRule, "from")!, peer =>
            Yaml.Has(peer, "podSelector.matchLabels") && ((Dictionary<string, object?>)Yaml.At(peer, "podSelector.matchLabels")!).All(s => labels.TryGetValue(s.Key, out var v) && Equals(v, s.Value)));
    }

    [FactWith(Tool.Helm)]
    public async Task Extra_volumes_are_mounted_beside_tmp()
    {
        var rendered = await Helm.TemplateAsync("volumes:\n  - name: ca\n    configMap:\n      name: ca\nvolumeMounts:\n  - name: ca\n    mountPath: /etc/ssl/ca\n    readOnly: true");
        var pod = Yaml.At(rendered.Single("Deployment"), "spec.template.spec");
        Assert.Equal(["tmp", "ca"], ((List<object?>)Yaml.At(pod, "volumes")!).Select(v => Yaml.Str(v, "name")));
        Assert.Equal(["/tmp", "/etc/ssl/ca"], ((List<object?>)Yaml.At(pod, "containers.0.volumeMounts")!).Select(v => Yaml.Str(v, "mountPath")));
    }

    [FactWith(Tool.Helm)]
    public async Task What_the_chart_says_names_only_the_dependencies_the_service_has()
    {
        // NOTES.txt (rendered by a client-side dry run), every template and the schema's descriptions.
        var (exit, notes) = await Helm.RunAsync("install", "healthy-api", ChartDir, "--dry-run=client", "--namespace", "apps", "-f", Helm.ValuesFile(AllFeatures));
        Assert.True(exit == 0, notes);
        Assert.Contains("NOTES:", notes);
        var text = notes + File.ReadAllText(Path.Combine(ChartDir, "values.schema.json"));
        foreach (var absent in ServiceDependencies.Absent)
        {
            Assert.DoesNotContain(absent, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
