using HealthyApi.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HealthyApi.Redis;

public static class RedisExtensions
{
    /// <summary>
    /// The one shared <see cref="IConnectionMultiplexer"/>. It is built to reconnect on its own: with
    /// AbortOnConnectFail off, a Redis that is down at start-up makes the redis check fail instead of
    /// crashing the process into a restart loop.
    /// </summary>
    public static TBuilder AddRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value.Redis);
            options.AbortOnConnectFail = false;
            options.ClientName ??= sp.GetRequiredService<IHostEnvironment>().ApplicationName.Replace('.', '-');
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }
}
