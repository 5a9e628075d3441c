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
            return dataSource.Build();
        });
        builder.Services.AddDbContext<AppDbContext>((sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<IStartupTask, MigrationStartupTask>();
        return builder;
    }
}
