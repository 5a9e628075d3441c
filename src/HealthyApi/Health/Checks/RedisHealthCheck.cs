using HealthyApi.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace HealthyApi.Health.Checks;

/// <summary>
/// <c>PING</c> on the application's one shared multiplexer (never a connection per probe, and never
/// disposed here). StackExchange.Redis ignores cancellation on async calls; the evaluator's timeout
/// abandons a hung PING instead of waiting for it.
/// </summary>
public sealed class RedisHealthCheck : IHealthCheck
{
    private readonly IConnectionMultiplexer _redis;

    public RedisHealthCheck(IConnectionMultiplexer redis) => _redis = redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_redis.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "not connected to redis");
        }

        try
        {
            await _redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ErrorText.Describe(ex), ex);
        }
    }
}
