using HealthyApi.Lifecycle;

namespace HealthyApi.Management;

public static class AdminEndpoints
{
    /// <summary>
    /// <c>POST /admin/drain</c> and <c>POST /admin/resume</c>: take the pod out of rotation by hand
    /// (before a risky operation, or to inspect it) without restarting it.
    /// </summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup(ManagementPaths.AdminPrefix)
            .AddEndpointFilter(RequireAdmin)
            .ExcludeFromDescription();

        admin.MapPost("/drain", (AppLifecycle lifecycle, AdminAccess access, HttpContext context, ILoggerFactory loggers) =>
        {
            lifecycle.Drain();
            loggers.CreateLogger(typeof(AdminEndpoints)).LogWarning(
                "Drain requested by {Caller}: readiness now answers 503 ({Phase})", access.Describe(context), lifecycle.Phase);
            return Results.Json(new { ok = true, state = lifecycle.Phase.ToWire() });
        });

        admin.MapPost("/resume", (AppLifecycle lifecycle, AdminAccess access, HttpContext context, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger(typeof(AdminEndpoints));
            if (!lifecycle.Resume())
            {
                logger.LogWarning("Resume requested by {Caller} refused: shutdown has begun", access.Describe(context));
                return Results.Json(
                    new { ok = false, state = lifecycle.Phase.ToWire(), error = "shutdown has begun; a stopping process cannot be resumed" },
                    statusCode: StatusCodes.Status409Conflict);
            }

            logger.LogWarning("Resume requested by {Caller}: back to {Phase}", access.Describe(context), lifecycle.Phase);
            return Results.Json(new { ok = true, state = lifecycle.Phase.ToWire() });
        });

        return endpoints;
    }

    private static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        context.Response.Headers.CacheControl = "no-store";
        var access = context.RequestServices.GetRequiredService<AdminAccess>();
        var decision = access.Authorize(context);
        if (decision != AdminDecision.Allowed)
        {
            access.LogRefusal(context, decision);
        }

        switch (decision)
        {
            case AdminDecision.Allowed:
                return await next(invocation);
            case AdminDecision.Unauthorized:
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Admin token required",
                    detail: "Send 'Authorization: Bearer <Admin__Token>'.");
            case AdminDecision.FromBrowser:
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Admin calls from web pages are refused",
                    detail: "This request carries a browser's Origin or Sec-Fetch-Site header. Call the admin endpoints with curl or kubectl exec.");
            default:
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Remote admin is disabled",
                    detail: "Admin calls are allowed from loopback on the management port only. Set Admin__Token to allow remote callers that present it.");
        }
    }
}
