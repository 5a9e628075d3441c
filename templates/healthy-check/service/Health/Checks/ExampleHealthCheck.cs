using System.Net.Sockets;
using HealthyApi.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthyApi.Health.Checks;

/// <summary>
/// Readiness check <c>example_check</c>, added by <c>dotnet new healthy-check</c> and registered by its
/// <see cref="ReadinessCheckAttribute"/> (Program.cs's <c>checks.AddMarkedChecks(…)</c> finds it). As generated
/// it proves that a TCP connection to <c>ConnectionStrings__Example</c> (<c>host:port</c>) opens; replace the
/// connect with one cheap round trip on the client the application already has in DI (inject it in the
/// constructor, never open a connection per probe).
/// <para>
/// Timeouts: the evaluator gives the check the attribute's timeout, cancels <c>cancellationToken</c> when it
/// runs out, and reports <c>timeout</c> even if the client ignores the token, so pass the token to every
/// call and let <see cref="OperationCanceledException"/> propagate. Mark it non-critical with
/// <c>Health__Checks__example_check__Critical=false</c>.
/// </para>
/// </summary>
[ReadinessCheck("example_check", TimeoutSeconds = 1)]
public sealed class ExampleHealthCheck : IHealthCheck
{
    private readonly string? _endpoint;

    public ExampleHealthCheck(IConfiguration configuration) => _endpoint = configuration.GetConnectionString("Example");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(_endpoint))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "ConnectionStrings__Example is not set");
        }

        var separator = _endpoint.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(_endpoint[(separator + 1)..], out var port) || port is < 1 or > 65535)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "ConnectionStrings__Example must be host:port");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(_endpoint[..separator], port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ErrorText.Describe(ex), ex);
        }
    }
}
