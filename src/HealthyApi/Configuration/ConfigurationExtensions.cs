using Microsoft.Extensions.Options;

namespace HealthyApi.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>Connection strings, validated when the host starts.</summary>
    public static TBuilder AddConnectionStrings<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ConnectionStringsOptions>().BindConfiguration(ConnectionStringsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConnectionStringsOptions>, ConnectionStringsValidator>();
        return builder;
    }
}
