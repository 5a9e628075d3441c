using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HealthyApi.Health.Checks;

/// <summary><c>SELECT 1</c> through the application's own data source: can we get a connection and a round trip?</summary>
public sealed class PostgresHealthCheck : IHealthCheck
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresHealthCheck(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Idle pooled connections are likely as dead as this one (server restart, failover): drop
            // them so the next check, and the next request, start with fresh connections.
            _dataSource.Clear();
            return new HealthCheckResult(context.Registration.FailureStatus, ErrorText.Describe(ex), ex);
        }
    }
}
