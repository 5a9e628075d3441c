using System.Net;
using System.Security.Cryptography;
using System.Text;
using HealthyApi.Errors;
using HealthyApi.Health;
using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

/// <summary>
/// Who may drain the pod, and who may read error texts. Loopback is not the same as trusted:
/// <list type="bullet">
/// <item>A sidecar proxy (Istio forwards from 127.0.0.6, Envoy and Linkerd from 127.0.0.1) delivers remote
/// callers from loopback. So once a token is configured, every caller needs it, loopback included.</item>
/// <item>A web page in a developer's browser can send a "simple" cross-origin POST to
/// http://127.0.0.1:8081/admin/drain. Browsers mark such requests (<c>Origin</c>, <c>Sec-Fetch-Site</c>);
/// a request carrying those marks is refused whatever else it carries. curl and kubectl send neither.</item>
/// <item>With no token, loopback on a dedicated management port is trusted: that is `kubectl exec … curl
/// localhost`, someone who already has a shell in the pod. When management shares the app port,
/// loopback proves nothing and admin needs the token.</item>
/// </list>
/// Callers are identified by the TCP peer, never by X-Forwarded-For, which any client can write.
/// </summary>
public sealed class AdminAccess : IReadinessDetailAccess
{
    private readonly bool _sharedPort;
    private readonly byte[]? _tokenHash;
    private readonly ILogger<AdminAccess> _logger;
    private readonly LogThrottle _refusals;

    public AdminAccess(IOptions<ManagementOptions> management, IOptions<AdminOptions> admin, TimeProvider time, ILogger<AdminAccess> logger)
    {
        _logger = logger;
        _refusals = new LogThrottle(TimeSpan.FromSeconds(10), time);
        _sharedPort = management.Value.SharesAppPort;
        var token = admin.Value.Token;
        _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public AdminDecision Authorize(HttpContext context)
    {
        if (FromBrowser(context))
        {
            return AdminDecision.FromBrowser;
        }

        if (_tokenHash is not null)
        {
            return PresentsToken(context) ? AdminDecision.Allowed : AdminDecision.Unauthorized;
        }

        return !_sharedPort && IsLoopback(context) ? AdminDecision.Allowed : AdminDecision.Forbidden;
    }

    /// <summary>
    /// Error texts can name hosts and databases. On a dedicated management port every caller may read them
    /// (the port is never exposed to users); on a shared port, the same callers as for admin, except that
    /// loopback suffices when no token is configured.
    /// </summary>
    public bool MaySeeErrors(HttpContext context) =>
        !_sharedPort || (!FromBrowser(context) && (_tokenHash is null ? IsLoopback(context) : PresentsToken(context)));

    /// <summary>A refused admin call: a warning with the caller's address, at most one per 10 s (a scan must not flood the log).</summary>
    public void LogRefusal(HttpContext context, AdminDecision decision)
    {
        if (_refusals.ShouldLog(out var skipped))
        {
            _logger.LogWarning("Refused {Method} {Path} from {Caller}: {Decision} ({Skipped} more refusals since the last warning)",
                context.Request.Method, context.Request.Path, CallerAddress(context)?.ToString() ?? "unknown", decision, skipped);
        }
    }

    /// <summary>The caller's address and how it got in, for the audit log line.</summary>
    public string Describe(HttpContext context) =>
        $"{CallerAddress(context)?.ToString() ?? "unknown"} ({(_tokenHash is not null ? "token" : "loopback")})";

    /// <summary>The TCP peer; IPv4 callers of a dual-mode socket arrive as ::ffff:a.b.c.d, shown and judged as a.b.c.d.</summary>
    private static IPAddress? CallerAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        return address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
    }

    /// <summary>Sent by browsers on requests a page makes; a user typing the URL gets Sec-Fetch-Site: none.</summary>
    private static bool FromBrowser(HttpContext context) =>
        context.Request.Headers.Origin.Count > 0
        || context.Request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site && !string.Equals(site.ToString(), "none", StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopback(HttpContext context) => CallerAddress(context) is { } address && IPAddress.IsLoopback(address);

    private bool PresentsToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (_tokenHash is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison constant-time regardless of the presented token's length.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
