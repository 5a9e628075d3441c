using Microsoft.Extensions.Options;

namespace HealthyApi.Management;

/// <summary>
/// Keeps the two listeners apart: management paths answer only on the management port, everything
/// else only on the app port; the wrong port gets a plain 404, as if the path did not exist.
/// The decision uses the port the connection actually arrived on, not the Host header: a Host header
/// is written by the client, so a user could otherwise reach /admin/drain through the public Ingress.
/// </summary>
public sealed class ManagementPortGate
{
    private readonly RequestDelegate _next;
    private readonly ManagementPaths _paths;
    private readonly int _managementPort;

    public ManagementPortGate(RequestDelegate next, ManagementPaths paths, IOptions<ManagementOptions> options)
    {
        _next = next;
        _paths = paths;
        _managementPort = options.Value.Port;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_managementPort != 0)
        {
            var onManagementPort = context.Connection.LocalPort == _managementPort;
            if (onManagementPort != _paths.Contains(context.Request.Path))
            {
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
        }

        return _next(context);
    }
}
