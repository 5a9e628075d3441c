namespace HealthyApi.Data;

/// <summary>
/// The table the <c>postgres_write</c> readiness check writes to. It is not part of the EF model:
/// nothing in the application reads it, and the check uses plain SQL on the shared data source.
/// </summary>
public static class HealthProbeTable
{
    public const string CreateSql = """
        CREATE TABLE IF NOT EXISTS health_probe (
            id         integer PRIMARY KEY,
            purpose    text NOT NULL,
            created_at timestamp with time zone NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE health_probe IS 'Written by the postgres_write readiness check (INSERT ... ON CONFLICT DO NOTHING on id 1).';
        """;

    public const string DropSql = "DROP TABLE IF EXISTS health_probe;";

    /// <summary>Fails with SQLSTATE 25006 on a read-only primary or a standby; writes nothing once the row exists.</summary>
    public const string WriteCheckSql =
        "INSERT INTO health_probe (id, purpose) VALUES (1, 'readiness write check') ON CONFLICT (id) DO NOTHING";
}
