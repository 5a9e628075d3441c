using System.Globalization;
using HealthyApi.Health;
using HealthyApi.Lifecycle;
using HealthyApi.Management;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// One set of numbers in four places: the service's own defaults, the chart's values.yaml, the plain
/// manifests and the compose file. Each must agree with the others and fit the shutdown budget.
/// </summary>
public sealed class DeployDefaultsTests
{
    /// <summary>The connection strings the service reads: each dependency it was generated with, and no other.</summary>
    private static readonly string[] ExpectedConnectionStrings =
    [
#if (postgres)
        "ConnectionStrings__Postgres",
#endif
#if (redis)
        "ConnectionStrings__Redis",
#endif
    ];

    private static readonly HealthOptions Service = new();

    private static readonly ShutdownOptions Shutdown = new();

    private static readonly Dictionary<string, object?> Values = Yaml.Load(Path.Combine(HelmChartTests.ChartDir, "values.yaml"));

    private static readonly List<Dictionary<string, object?>> Manifests = LoadKustomization(SourceTree.PathOf("deploy", "manifests"));

    [Fact]
    public void Values_match_the_service_defaults_and_fit_the_grace_period()
    {
        Assert.Equal(Service.LivenessPath, Yaml.Str(Values, "health.livenessPath"));
        Assert.Equal(Service.StartupPath, Yaml.Str(Values, "health.startupPath"));
        Assert.Equal(Service.ReadinessPath, Yaml.Str(Values, "health.readinessPath"));
        Assert.Equal(Shutdown.DrainDelay.TotalSeconds, Yaml.Int(Values, "health.drainDelaySeconds"));
        Assert.Equal(Shutdown.ShutdownTimeout.TotalSeconds, Yaml.Int(Values, "health.shutdownTimeoutSeconds"));
        Assert.Equal(Shutdown.TerminationGracePeriod.TotalSeconds, Yaml.Int(Values, "terminationGracePeriodSeconds"));
        Assert.Equal(new ManagementOptions().Port, Yaml.Int(Values, "ports.management"));
        Assert.Equal(8080, Yaml.Int(Values, "ports.http"));
        var needed = Shutdown.DrainDelay + Shutdown.ShutdownTimeout + ShutdownOptionsValidator.ExitMargin;
        Assert.True(needed.TotalSeconds <= Yaml.Int(Values, "terminationGracePeriodSeconds"), $"{needed.TotalSeconds} s needed, grace period {Yaml.Int(Values, "terminationGracePeriodSeconds")} s");

        // The limits and the pool: the chart states the service's own defaults, so neither surprises the other.
        var limits = new ListenerLimitsOptions();
        Assert.Equal(limits.AppConnections, Yaml.Int(Values, "limits.appConnections"));
        Assert.Equal(limits.ManagementConnections, Yaml.Int(Values, "limits.managementConnections"));
        Assert.Equal(limits.RequestHeadersTimeout.TotalSeconds, Yaml.Int(Values, "limits.requestHeadersTimeoutSeconds"));
        Assert.Equal(limits.MaxRequestBodyBytes, Yaml.Int(Values, "limits.maxRequestBodyBytes"));
#if (postgres)
        var data = new HealthyApi.Data.DataOptions();
        Assert.Equal(data.MaxPoolSize, Yaml.Int(Values, "database.maxPoolSize"));
        Assert.Equal(data.ConnectionIdleLifetime.TotalSeconds, Yaml.Int(Values, "database.connectionIdleLifetimeSeconds"));
        Assert.True(Yaml.Int(Values, "autoscaling.maxReplicas") * data.MaxPoolSize <= Yaml.Int(Values, "database.serverMaxConnections") - 10,
            "the autoscaling maximum's pods x pool must fit PostgreSQL's max_connections with headroom");
#endif

        // The design's probe table.
        Assert.Equal((10, 3), (Yaml.Int(Values, "probes.liveness.periodSeconds"), Yaml.Int(Values, "probes.liveness.failureThreshold")));
        Assert.Equal((5, 2), (Yaml.Int(Values, "probes.readiness.periodSeconds"), Yaml.Int(Values, "probes.readiness.failureThreshold")));
        Assert.Equal((5, 60), (Yaml.Int(Values, "probes.startup.periodSeconds"), Yaml.Int(Values, "probes.startup.failureThreshold")));
        // /readyz answers from a snapshot in milliseconds; the timeout only needs headroom over a busy node,
        // and must stay below the period so probes do not overlap.
        Assert.All(new[] { "liveness", "readiness", "startup" }, p =>
            Assert.InRange(Yaml.Int(Values, $"probes.{p}.timeoutSeconds"), 1, Yaml.Int(Values, $"probes.{p}.periodSeconds") - 1));
        Assert.Equal("0", Yaml.Str(Values, "updateStrategy.maxUnavailable"));
    }

    [Fact]
    public void Plain_manifests_carry_the_same_probes_ports_grace_period_and_env_as_the_values()
    {
        var deployment = Manifests.Single(m => Yaml.Str(m, "kind") == "Deployment");
        var pod = Yaml.At(deployment, "spec.template.spec");
        var container = Yaml.At(pod, "containers.0");

        Assert.Equal(Yaml.Int(Values, "terminationGracePeriodSeconds"), Yaml.Int(pod, "terminationGracePeriodSeconds"));
        Assert.Equal(Yaml.Int(Values, "replicaCount"), Yaml.Int(deployment, "spec.replicas"));
        Assert.Equal(Yaml.Str(Values, "updateStrategy.maxUnavailable"), Yaml.Str(deployment, "spec.strategy.rollingUpdate.maxUnavailable"));
        Assert.Equal("false", Yaml.Str(pod, "automountServiceAccountToken"));

        var ports = ((List<object?>)Yaml.At(container, "ports")!).ToDictionary(p => Yaml.Str(p, "name"), p => Yaml.Int(p, "containerPort"));
        Assert.Equal(Yaml.Int(Values, "ports.http"), ports["http"]);
        Assert.Equal(Yaml.Int(Values, "ports.management"), ports["management"]);

        foreach (var (probe, key, path) in new[] { ("startupProbe", "startup", "startupPath"), ("livenessProbe", "liveness", "livenessPath"), ("readinessProbe", "readiness", "readinessPath") })
        {
            Assert.Equal(Yaml.Str(Values, $"health.{path}"), Yaml.Str(container, $"{probe}.httpGet.path"));
            Assert.Equal("management", Yaml.Str(container, $"{probe}.httpGet.port"));
            foreach (var field in new[] { "periodSeconds", "timeoutSeconds", "failureThreshold" })
            {
                Assert.True(Yaml.Int(Values, $"probes.{key}.{field}") == Yaml.Int(container, $"{probe}.{field}"), $"{probe}.{field} differs from values.yaml");
            }
        }

        var env = ((List<object?>)Yaml.At(container, "env")!).ToDictionary(e => Yaml.Str(e, "name"), e => e);
        Assert.Equal(Yaml.Str(Values, "ports.http"), Yaml.Str(env["ASPNETCORE_HTTP_PORTS"], "value"));
        Assert.Equal(Yaml.Str(Values, "ports.management"), Yaml.Str(env["Management__Port"], "value"));
        Assert.Equal(Yaml.Str(Values, "health.livenessPath"), Yaml.Str(env["Health__LivenessPath"], "value"));
        Assert.Equal(Yaml.Str(Values, "health.readinessPath"), Yaml.Str(env["Health__ReadinessPath"], "value"));
        Assert.Equal(TimeSpan.FromSeconds(Yaml.Int(Values, "health.drainDelaySeconds")), TimeSpan.Parse(Yaml.Str(env["Health__DrainDelay"], "value"), CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromSeconds(Yaml.Int(Values, "health.shutdownTimeoutSeconds")), TimeSpan.Parse(Yaml.Str(env["Health__ShutdownTimeout"], "value"), CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromSeconds(Yaml.Int(Values, "terminationGracePeriodSeconds")), TimeSpan.Parse(Yaml.Str(env["Health__TerminationGracePeriod"], "value"), CultureInfo.InvariantCulture));
#if (postgres)
        Assert.True(Yaml.Has(env["ConnectionStrings__Postgres"], "valueFrom.secretKeyRef.name"), "the PostgreSQL connection string must come from a Secret");
#endif
#if (redis)
        Assert.True(Yaml.Has(env["ConnectionStrings__Redis"], "valueFrom.secretKeyRef.name"), "the Redis connection string must come from a Secret");
#endif
        Assert.DoesNotContain(env.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && !ExpectedConnectionStrings.Contains(key));

        Assert.Equal("true", Yaml.Str(pod, "securityContext.runAsNonRoot"));
        Assert.Equal(Yaml.Str(Values, "podSecurityContext.runAsUser"), Yaml.Str(pod, "securityContext.runAsUser"));
        Assert.Equal("RuntimeDefault", Yaml.Str(pod, "securityContext.seccompProfile.type"));
        Assert.Equal("true", Yaml.Str(container, "securityContext.readOnlyRootFilesystem"));
        Assert.Equal("false", Yaml.Str(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal("ALL", Yaml.Str(container, "securityContext.capabilities.drop.0"));
        Assert.Equal("/tmp", Yaml.Str(container, "volumeMounts.0.mountPath"));
    }

    [Fact]
    public void Plain_manifests_expose_only_the_app_port_and_include_the_budget_and_policy()
    {
        var kinds = Manifests.Select(m => Yaml.Str(m, "kind")).Order().ToList();
        Assert.Equal(["Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount"], kinds);
        var service = Manifests.Single(m => Yaml.Str(m, "kind") == "Service");
        Assert.Equal("http", Yaml.Str(service, "spec.ports.0.targetPort"));
        Assert.Single((List<object?>)Yaml.At(service, "spec.ports")!);
        Assert.Equal("false", Yaml.Str(Manifests.Single(m => Yaml.Str(m, "kind") == "ServiceAccount"), "automountServiceAccountToken"));
    }

    [Fact]
    public void Dockerfile_exposes_the_default_ports_and_probes_itself()
    {
        var dockerfile = File.ReadAllText(SourceTree.PathOf("Dockerfile"));
        var assembly = typeof(Program).Assembly.GetName().Name + ".dll";
        Assert.Contains($"EXPOSE {Yaml.Str(Values, "ports.http")} {Yaml.Str(Values, "ports.management")}", dockerfile);
        Assert.Contains($"HEALTHCHECK", dockerfile);
        Assert.Contains($"CMD [\"dotnet\", \"{assembly}\", \"probe\", \"readiness\"]", dockerfile);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}\"]", dockerfile);
        Assert.Matches(@"(?m)^USER [0-9]+$", dockerfile);
        Assert.Contains("chiseled", dockerfile);
    }

    [Fact]
    public void Dockerfile_builds_on_the_builders_platform_pulls_no_frontend_takes_the_revision_and_leaves_no_build_server()
    {
        // What podman's build (ContainerImageTests) cannot show on one architecture: the SDK stage runs on the
        // builder's own platform and cross-compiles, so `buildx --platform linux/arm64` never emulates the SDK.
        var lines = File.ReadAllLines(SourceTree.PathOf("Dockerfile"));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("# syntax=", StringComparison.OrdinalIgnoreCase)); // a frontend image pulled for nothing
        var stages = lines.Select((line, at) => (line, at)).Where(l => l.line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("FROM --platform=$BUILDPLATFORM ", stages[0].line);
        Assert.DoesNotContain("--platform", stages[1].line); // the runtime is the target's
        var build = lines[stages[0].at..stages[1].at];
        Assert.Contains("ARG TARGETARCH", build);
        Assert.All(build.Where(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal) || l.StartsWith("RUN dotnet publish", StringComparison.Ordinal)),
            l => Assert.Contains("-a $TARGETARCH", l));
        Assert.Contains(build, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal) && l.Contains("-p:SourceRevisionId=$SOURCE_REVISION", StringComparison.Ordinal));
        // Under podman's chroot isolation (no PID namespace per step) a compiler server started by a step
        // outlives it on the host, where neither the build nor a test run can see it is theirs.
        Assert.All(build.Where(l => l.StartsWith("RUN dotnet ", StringComparison.Ordinal)), l => Assert.Contains("--disable-build-servers", l));
    }

    [Fact]
    public void Compose_starts_the_service_after_healthy_dependencies_and_probes_it_with_the_self_probe()
    {
        var compose = Yaml.Load(SourceTree.PathOf("deploy", "compose.yaml"));
        var services = (Dictionary<string, object?>)Yaml.At(compose, "services")!;
        Assert.Equal(["app", .. ExpectedConnectionStrings.Select(k => k["ConnectionStrings__".Length..].ToLowerInvariant())], services.Keys.Order());
        Assert.All(services.Values, s => Assert.True(Yaml.Has(s, "healthcheck.test"), "every service needs a healthcheck"));

        var app = services["app"];
        foreach (var dependency in services.Keys.Where(k => k != "app"))
        {
            Assert.Equal("service_healthy", Yaml.Str(app, $"depends_on.{dependency}.condition"));
        }

        var assembly = typeof(Program).Assembly.GetName().Name + ".dll";
        Assert.Equal(["CMD", "dotnet", assembly, "probe", "readiness"], ((List<object?>)Yaml.At(app, "healthcheck.test")!).Cast<string>());

        var env = (Dictionary<string, object?>)Yaml.At(app, "environment")!;
        Assert.Equal(ExpectedConnectionStrings, env.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).Order());
        var drain = env.TryGetValue("Health__DrainDelay", out var d) ? TimeSpan.Parse((string)d!, CultureInfo.InvariantCulture) : Shutdown.DrainDelay;
        var stopGrace = TimeSpan.FromSeconds(int.Parse(Yaml.Str(app, "stop_grace_period").TrimEnd('s'), CultureInfo.InvariantCulture));
        Assert.True(drain + Shutdown.ShutdownTimeout + ShutdownOptionsValidator.ExitMargin <= stopGrace, "stop_grace_period must hold the drain delay, the shutdown timeout and the margin");
    }

    [FactWith(Tool.Validators)]
    public async Task Compose_file_satisfies_the_compose_schema_and_runs_the_app_as_the_chart_runs_the_pod()
    {
        var file = SourceTree.PathOf("deploy", "compose.yaml");
        await SchemaValidator.AssertValidAsync("compose", file);
        var typo = Path.Combine(TestRun.Root, "compose-typo.yaml");
        await File.WriteAllTextAsync(typo, "services:\n  app:\n    image: x\n    read_ony: true\n");
        Assert.Contains("read_ony", await SchemaValidator.ProblemsAsync("compose", typo));

        var compose = Yaml.Load(file);
        var services = (Dictionary<string, object?>)Yaml.At(compose, "services")!;
        var app = services["app"];
        Assert.Equal("true", Yaml.Str(app, "read_only"));
        Assert.Equal(["/tmp"], ((List<object?>)Yaml.At(app, "tmpfs")!).Cast<string>());
        Assert.Equal(["ALL"], ((List<object?>)Yaml.At(app, "cap_drop")!).Cast<string>());
        Assert.Equal(Yaml.Str(Values, "resources.limits.memory").Replace("Mi", "m", StringComparison.Ordinal), Yaml.Str(app, "mem_limit"));
        foreach (var (name, service) in services.Where(s => s.Key != "app"))
        {
            Assert.Matches(@":\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$", Yaml.Str(service, "image")); // a full version, not a floating major
        }

        Assert.Contains("Compose v2", File.ReadAllText(file)); // the top-level name needs it: say so
    }

    /// <summary>Every document of every resource the kustomization lists, as kubectl apply -k would read them.</summary>
    private static List<Dictionary<string, object?>> LoadKustomization(string dir)
    {
        var resources = (List<object?>)Yaml.At(Yaml.Load(Path.Combine(dir, "kustomization.yaml")), "resources")!;
        return resources.Cast<string>().SelectMany(r => Yaml.LoadAll(Path.Combine(dir, r))).ToList();
    }
}
