using Microsoft.Extensions.Options;
#if (postgres)
using Npgsql;
#endif
#if (redis)
using StackExchange.Redis;
#endif

namespace HealthyApi.Configuration;

/// <summary>
/// Refuses to start without usable connection strings, naming the environment variable to set.
/// Messages never repeat the value, nor the parser's own message: a password with an unquoted ';' or ','
/// splits into a "keyword" that the parser would quote back ("Couldn't set secret").
/// </summary>
public sealed class ConnectionStringsValidator : IValidateOptions<ConnectionStringsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionStringsOptions options)
    {
        var errors = new List<string>();
#if (postgres)

        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            errors.Add("ConnectionStrings__Postgres is not set: set it to an Npgsql connection string, e.g. " +
                       "'Host=localhost;Port=5432;Database=app;Username=app;Password=…' (./run.sh sets it for local runs).");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.Postgres);
            }
            catch (ArgumentException)
            {
                errors.Add("ConnectionStrings__Postgres is not a valid Npgsql connection string: check each keyword's spelling, and put " +
                           "values that contain ';' or '=' in double quotes (Password=\"a;b\").");
            }
        }
#endif
#if (redis)

        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            errors.Add("ConnectionStrings__Redis is not set: set it to a StackExchange.Redis connection string, e.g. " +
                       "'localhost:6379,password=…' (./run.sh sets it for local runs).");
        }
        else
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Redis);
            }
            catch (ArgumentException)
            {
                errors.Add("ConnectionStrings__Redis is not a valid StackExchange.Redis connection string: check each option's spelling " +
                           "(host:port,password=…,ssl=true); a password cannot contain ',' in this syntax.");
            }
        }
#endif

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
