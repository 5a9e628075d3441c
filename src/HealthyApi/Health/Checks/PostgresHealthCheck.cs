using HealthyApi.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HealthyApi.Health.Checks;

/// <summary>
/// One statement through the application's own data source. <c>postgres</c> runs <c>SELECT 1</c> (can we
/// get a connection and a round trip?); <c>postgres_write</c> runs an <c>INSERT … ON CONFLICT DO NOTHING</c>
/// (can we write?). See <see cref="HealthChecksBuilderExtensions"/>.
/// </summary>
public sealed class PostgresHealthCheck : IHealthCheck
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _commandText;

    public PostgresHealthCheck(NpgsqlDataSource dataSource, string commandText)
    {
        _dataSource = dataSource;
        _commandText = commandText;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(_commandText);
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
