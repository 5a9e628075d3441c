using Microsoft.Extensions.Options;

namespace HealthyApi.Data;

public sealed class DataOptionsValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options) =>
        options.MaxPoolSize > 0 && options.ConnectionIdleLifetime > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Data__MaxPoolSize ({options.MaxPoolSize}) and Data__ConnectionIdleLifetime ({options.ConnectionIdleLifetime}) must be positive.");
}
