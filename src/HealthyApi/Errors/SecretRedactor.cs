using System.Text.RegularExpressions;
#if (postgres)
using Npgsql;
#endif
#if (redis)
using StackExchange.Redis;
#endif

namespace HealthyApi.Errors;

/// <summary>
/// Removes secrets from text that leaves the process (probe bodies, logs). It knows the configured
/// passwords and admin token, and also blanks anything shaped like <c>password=…</c>, so that a client
/// library that echoes its connection string in an exception cannot leak it through /readyz.
/// </summary>
public sealed partial class SecretRedactor
{
    private const string Mask = "***";
    private readonly string[] _secrets;

    public SecretRedactor(IConfiguration configuration)
    {
        var secrets = new List<string?>
        {
            configuration["Admin:Token"],
#if (postgres)
            TryNpgsqlPassword(configuration.GetConnectionString("Postgres")),
#endif
#if (redis)
            TryRedisPassword(configuration.GetConnectionString("Redis")),
#endif
        };

        // Very short values would mask ordinary words; such passwords are rejected by any sane policy anyway.
        _secrets = secrets.Where(s => s is { Length: >= 4 }).Select(s => s!).Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return PasswordAssignment().Replace(text, m => m.Groups["key"].Value + "=" + Mask);
    }

    [GeneratedRegex(@"(?<key>password|pwd)\s*=\s*[^;,\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordAssignment();
#if (postgres)

    private static string? TryNpgsqlPassword(string? connectionString)
    {
        try
        {
            return connectionString is null ? null : new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
#endif
#if (redis)

    private static string? TryRedisPassword(string? connectionString)
    {
        try
        {
            return connectionString is null ? null : ConfigurationOptions.Parse(connectionString).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
#endif
}
