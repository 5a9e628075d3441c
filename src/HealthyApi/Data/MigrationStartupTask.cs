using HealthyApi.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace HealthyApi.Data;

/// <summary>
/// Applies pending EF Core migrations under a PostgreSQL advisory lock, so that replicas starting at
/// the same time (a rollout, a scale-up) apply them once, one after the other, instead of racing.
/// </summary>
public sealed class MigrationStartupTask : IStartupTask
{
    /// <summary>Any constant works; it only has to be the same for every replica of this service.</summary>
    private const long AdvisoryLockKey = 0x4865_616C_7468;

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<MigrationStartupTask> _logger;

    public MigrationStartupTask(IServiceScopeFactory scopes, ILogger<MigrationStartupTask> logger)
    {
        _scopes = scopes;
        _logger = logger;
    }

    public string Name => "migrations";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database;

        // The advisory lock belongs to the session: keep one connection open for lock, migrate and unlock.
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await database.ExecuteSqlAsync($"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
            try
            {
                // Creating the history table first keeps EF from logging a failed query on a fresh database.
                await database.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                var pending = (await database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
                if (pending.Length == 0)
                {
                    _logger.LogInformation("Database schema is up to date");
                    return;
                }

                _logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Length, string.Join(", ", pending));
                await database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}
