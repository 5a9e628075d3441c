using System.Reflection;
using HealthyApi.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace HealthyApi.Data;

/// <summary>
/// Applies pending EF Core migrations under a PostgreSQL advisory lock, so that replicas starting at
/// the same time (a rollout, a scale-up) apply them once, one after the other, instead of racing.
/// Most starts have nothing to apply: one query first asks whether the newest migration this build
/// knows is in the history table, and only if not does EF Core build its model and migrate (a cold EF
/// Core took ~260 ms of the time to the first ready /readyz; README, "Performance").
/// </summary>
public sealed class MigrationStartupTask : IStartupTask
{
    /// <summary>Any constant works; it only has to be the same for every replica of this service.</summary>
    private const long AdvisoryLockKey = 0x4865_616C_7468;

    /// <summary>EF Core's default history table (AppDbContext does not rename it).</summary>
    private const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>The newest of AppDbContext's migrations in this build, by id (ids sort by their timestamp prefix).</summary>
    private static readonly string? NewestMigration = typeof(MigrationStartupTask).Assembly.GetTypes()
        .Where(type => type.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(AppDbContext))
        .Select(type => type.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .Order(StringComparer.Ordinal)
        .LastOrDefault();

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<MigrationStartupTask> _logger;

    public MigrationStartupTask(NpgsqlDataSource dataSource, ILoggerFactory loggerFactory, ILogger<MigrationStartupTask> logger)
    {
        _dataSource = dataSource;
        _loggerFactory = loggerFactory;
        _logger = logger;
    }

    public string Name => "migrations";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await NewestMigrationAppliedAsync(cancellationToken))
        {
            _logger.LogInformation("Database schema is up to date ({Migration} applied)", NewestMigration);
            return;
        }

        // A context of its own whose EF Core services are not cached: EF keeps the services of each options
        // (model, migrator, SQL generator, history repository) for the life of the process, and these are
        // needed once, so they become garbage when the migration is done (README, "Performance").
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql(_dataSource)
            .UseLoggerFactory(_loggerFactory)
            .EnableServiceProviderCaching(false)
            .Options;
        await using var context = new AppDbContext(options);
        var database = context.Database;

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

    /// <summary>
    /// True when the history table lists the newest migration this build has. EF Core records a migration
    /// in the transaction that applies it, so a listed one is complete, and so are the ones before it.
    /// </summary>
    private async Task<bool> NewestMigrationAppliedAsync(CancellationToken cancellationToken)
    {
        if (NewestMigration is null)
        {
            return false;
        }

        // A fresh database has no history table: asked first, so no failed query reaches any log.
        await using var exists = _dataSource.CreateCommand($"SELECT to_regclass('\"{HistoryTable}\"') IS NOT NULL");
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return false;
        }

        await using var applied = _dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM \"{HistoryTable}\" WHERE \"MigrationId\" = $1)");
        applied.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NewestMigration });
        return await applied.ExecuteScalarAsync(cancellationToken) is true;
    }
}
