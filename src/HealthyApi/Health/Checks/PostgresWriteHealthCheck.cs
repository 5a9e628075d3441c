using HealthyApi.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HealthyApi.Health.Checks;

/// <summary>
/// <c>INSERT … ON CONFLICT DO NOTHING</c> on one fixed row of the health table. <c>SELECT 1</c> passes on
/// a read-only primary, a promoted-then-fenced node or a hot standby; a service that must write is not
/// ready there. The row already exists after the first run, so the check writes nothing and bloats nothing.
/// </summary>
public sealed class PostgresWriteHealthCheck : IHealthCheck
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresWriteHealthCheck(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(HealthProbeTable.WriteCheckSql);
            await command.ExecuteNonQueryAsync(cancellationToken);
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
