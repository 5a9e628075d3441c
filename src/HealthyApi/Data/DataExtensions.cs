using System.Data.Common;
using HealthyApi.Configuration;
using HealthyApi.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HealthyApi.Data;

public static class DataExtensions
{
    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> (one pool) shared by EF Core and the health checks, and the
    /// migrations as start-up work.
    /// </summary>
    public static TBuilder AddData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<DataOptions>().BindConfiguration(DataOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DataOptions>, DataOptionsValidator>();
        builder.Services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value.Postgres;
            var options = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            var settings = dataSource.ConnectionStringBuilder;
            settings.ApplicationName ??= sp.GetRequiredService<IHostEnvironment>().ApplicationName;

            // Npgsql's defaults (100 connections kept 5 minutes) let one pod hold the whole server after a burst.
            // What the connection string sets itself wins.
            var written = WrittenKeywords(connectionString);
            if (!written.Overlaps(["maximumpoolsize", "maxpoolsize"]))
            {
                settings.MaxPoolSize = options.MaxPoolSize;
            }

            if (!written.Contains("connectionidlelifetime"))
            {
                settings.ConnectionIdleLifetime = (int)Math.Ceiling(options.ConnectionIdleLifetime.TotalSeconds);
                settings.ConnectionPruningInterval = Math.Min(settings.ConnectionPruningInterval, settings.ConnectionIdleLifetime);
            }

            // Npgsql tries GSS (Kerberos) encryption first by default; the chiseled image has no libgssapi, so
            // every connection would log "Cannot load library libgssapi_krb5.so.2" and upstream reports stalls
            // (npgsql/npgsql#6416). Kerberos users write "GSS Encryption Mode=Prefer" (or Require) in the
            // connection string, and use an image with the library.
            if (!written.Contains("gssencryptionmode"))
            {
                settings.GssEncryptionMode = GssEncryptionMode.Disable;
            }

            dataSource.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            // Npgsql labels its metrics with the pool name, which defaults to the connection string
            // (host, user, database): a short fixed name keeps that out of every scraped series.
            dataSource.Name = "postgres";
            return dataSource.Build();
        });
        builder.Services.AddDbContext<AppDbContext>((sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<IStartupTask, MigrationStartupTask>();
        return builder;
    }

    /// <summary>The keywords a connection string spells out, lower case without spaces ("Max Pool Size" → maxpoolsize).</summary>
    private static HashSet<string> WrittenKeywords(string? connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
}
