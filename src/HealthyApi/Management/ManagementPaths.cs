using HealthyApi.Health;
using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

/// <summary>The paths that belong to the management port. Shared by the port gate and the trace filter.</summary>
public sealed class ManagementPaths
{
    public const string Metrics = "/metrics";
    public const string AdminPrefix = "/admin";

    private readonly PathString _liveness;
    private readonly PathString _readiness;
    private readonly PathString _startup;

    public ManagementPaths(IOptions<HealthOptions> health)
    {
        _liveness = new PathString(health.Value.LivenessPath.TrimEnd('/'));
        _startup = new PathString(health.Value.StartupPath.TrimEnd('/'));
        _readiness = new PathString(health.Value.ReadinessPath.TrimEnd('/'));
    }

    /// <summary>
    /// Whether a request path is a management path, recognised the way routing recognises it: any case, with
    /// or without a trailing slash (Kestrel has already decoded percent-encoding, except an encoded '/').
    /// Anything routing would send to a management endpoint must count here, or the port split leaks.
    /// </summary>
    public bool Contains(PathString path) =>
        path.StartsWithSegments(_liveness, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(_startup, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(_readiness, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Metrics, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(AdminPrefix, StringComparison.OrdinalIgnoreCase);
}
