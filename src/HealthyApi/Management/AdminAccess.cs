using System.Net;
using System.Security.Cryptography;
using System.Text;
using HealthyApi.Health;
using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

/// <summary>
/// Who may drain the pod, and who may read error texts.
/// Loopback is trusted only on a dedicated management port: that is `kubectl exec … curl localhost`,
/// i.e. someone who already has a shell in the pod. When management shares the app port, loopback
/// proves nothing (a sidecar proxy delivers user traffic from 127.0.0.1), so the token is required.
/// Callers are identified by the TCP peer, never by X-Forwarded-For, which any client can write.
/// </summary>
public sealed class AdminAccess : IReadinessDetailAccess
{
    private readonly bool _sharedPort;
    private readonly byte[]? _tokenHash;

    public AdminAccess(IOptions<ManagementOptions> management, IOptions<AdminOptions> admin)
    {
        _sharedPort = management.Value.SharesAppPort;
        var token = admin.Value.Token;
        _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public AdminDecision Authorize(HttpContext context)
    {
        if (!_sharedPort && IsLoopback(context))
        {
            return AdminDecision.Allowed;
        }

        if (_tokenHash is null)
        {
            return AdminDecision.Forbidden;
        }

        return PresentsToken(context) ? AdminDecision.Allowed : AdminDecision.Unauthorized;
    }

    /// <summary>Error texts can name hosts and databases: show them only to callers who could drain the pod anyway.</summary>
    public bool MaySeeErrors(HttpContext context) =>
        !_sharedPort || IsLoopback(context) || (_tokenHash is not null && PresentsToken(context));

    /// <summary>How the caller got in, for the audit log line.</summary>
    public string Describe(HttpContext context) =>
        $"{CallerAddress(context)?.ToString() ?? "unknown"} ({(!_sharedPort && IsLoopback(context) ? "loopback" : "token")})";

    private static bool IsLoopback(HttpContext context) => CallerAddress(context) is { } address && IPAddress.IsLoopback(address);

    /// <summary>The TCP peer; IPv4 callers of a dual-mode socket arrive as ::ffff:a.b.c.d, shown and judged as a.b.c.d.</summary>
    private static IPAddress? CallerAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        return address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
    }

    private bool PresentsToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison constant-time regardless of the presented token's length.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
