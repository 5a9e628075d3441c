using System.Net.Sockets;
#if (postgres)
using Npgsql;
#endif
#if (redis)
using StackExchange.Redis;
#endif

namespace HealthyApi.Errors;

/// <summary>
/// Turns an exception into the few words an on-call engineer needs ("connection refused",
/// "database is read-only"), never a stack trace. Callers redact the result before it leaves.
/// </summary>
public static class ErrorText
{
    private const int MaxLength = 200;

    public static string Describe(Exception exception)
    {
        var text = DescribeCore(exception);
        var firstLine = text.Split('\n', 2)[0].Trim();
        return firstLine.Length <= MaxLength ? firstLine : firstLine[..MaxLength] + "…";
    }

    private static string DescribeCore(Exception exception) => exception switch
    {
#if (postgres)
        PostgresException pg => DescribePostgres(pg),
#endif
        SocketException socket => DescribeSocket(socket),
#if (redis)
        RedisTimeoutException => "redis did not answer in time",
#endif
        TimeoutException => "timed out",
#if (redis)
        RedisConnectionException redis => $"no connection to redis ({redis.FailureType})",
#endif
        EndOfStreamException => "connection closed by the server",
#if (postgres)
        NpgsqlException { InnerException: { } inner } => DescribeCore(inner),
#endif
        IOException { InnerException: { } inner } => DescribeCore(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => DescribeCore(aggregate.InnerExceptions[0]),
        _ => exception.Message,
    };

#if (postgres)
    private static string DescribePostgres(PostgresException pg) => pg.SqlState switch
    {
        PostgresErrorCodes.ReadOnlySqlTransaction => "database is read-only",
        PostgresErrorCodes.CannotConnectNow => "database is starting up or shutting down",
        PostgresErrorCodes.AdminShutdown => "database server is shutting down",
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => "authentication failed",
        PostgresErrorCodes.InvalidCatalogName => "database does not exist",
        PostgresErrorCodes.UndefinedTable => $"{pg.MessageText} (migrations not applied yet?)",
        PostgresErrorCodes.TooManyConnections => "too many connections",
        _ => $"{pg.MessageText} ({pg.SqlState})",
    };
#endif

    private static string DescribeSocket(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "host not found",
        SocketError.TimedOut => "connect timed out",
        SocketError.ConnectionReset => "connection reset",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "host unreachable",
        _ => socket.Message,
    };
}
