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
        builder.Services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value.Postgres;
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            dataSource.ConnectionStringBuilder.ApplicationName ??= sp.GetRequiredService<IHostEnvironment>().ApplicationName;
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
}
