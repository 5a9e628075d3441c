using System.Diagnostics;
using StackExchange.Redis;

namespace HealthyApi.Redis;

/// <summary>
/// Client spans for Redis commands. StackExchange.Redis 1.2.6 (the newest that restores here) emits no
/// activities of its own, so the app's Redis calls start one here, named and tagged as the OpenTelemetry
/// database conventions say. Costs nothing when no tracer listens.
/// </summary>
public static class RedisTelemetry
{
    public const string SourceName = "HealthyApi.Redis";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartCommand(string command, IConnectionMultiplexer redis)
    {
        var activity = Source.StartActivity(command, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "redis");
            activity.SetTag("db.operation.name", command);
            var endpoint = redis.GetEndPoints(configuredOnly: true).FirstOrDefault();
            if (endpoint is System.Net.DnsEndPoint dns)
            {
                activity.SetTag("server.address", dns.Host);
                activity.SetTag("server.port", dns.Port);
            }
            else if (endpoint is System.Net.IPEndPoint ip)
            {
                activity.SetTag("server.address", ip.Address.ToString());
                activity.SetTag("server.port", ip.Port);
            }
        }

        return activity;
    }

    public static void Failed(Activity? activity, Exception ex) =>
        activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
}
