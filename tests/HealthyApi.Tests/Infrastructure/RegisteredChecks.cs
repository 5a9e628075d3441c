using HealthyApi.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// The readiness checks the application registers, read from the application itself (Program.cs run in
/// memory, its DI container asked), so the tests follow the checks a user adds or removes instead of a
/// list that must be kept in step by hand.
/// </summary>
public static class RegisteredChecks
{
    private static readonly Lazy<string[]> All = new(Read);

    /// <summary>Every check tagged <c>ready</c>, in name order.</summary>
    public static IReadOnlyList<string> Names => All.Value;

    /// <summary>Those of <see cref="Names"/> whose dependency the shared fixtures run (<see cref="SharedServers.ProvidedChecks"/>).</summary>
    public static IReadOnlyList<string> Provided => Names.Intersect(SharedServers.ProvidedChecks, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// A check whose dependency the fixtures do not run (one a user just added) would keep every service
    /// in the shared tests from becoming ready. Non-critical there, it reports <c>warn</c> and readiness
    /// stays 200, so only the tests about that check are affected. README, "Tests", says how to provide one.
    /// </summary>
    public static Dictionary<string, string?> NonCriticalUnlessProvided() =>
        Names.Except(Provided, StringComparer.Ordinal).ToDictionary(name => $"Health__Checks__{name}__Critical", _ => (string?)"false");

    /// <summary>Well-formed connection strings that lead nowhere: enough to start the service, which then never becomes ready.</summary>
    public static Dictionary<string, string?> UnreachableDependencies() => new()
    {
#if (postgres)
        ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1",
#endif
#if (redis)
        ["ConnectionStrings__Redis"] = "127.0.0.1:1",
#endif
    };

    private static string[] Read()
    {
        using var application = InMemoryService.Start(web =>
        {
            foreach (var (key, value) in UnreachableDependencies())
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }
        });
        return application.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Where(r => r.Tags.Contains(HealthTags.Ready))
            .Select(r => r.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
