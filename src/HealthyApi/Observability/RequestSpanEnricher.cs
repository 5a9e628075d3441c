using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace HealthyApi.Observability;

/// <summary>
/// Completes ASP.NET Core's request span the way OpenTelemetry.Instrumentation.AspNetCore would (that
/// package does not restore here). ASP.NET Core 10 adds the request-side tags at creation (method,
/// scheme, url.path, server.address) but not the outcome: this adds <c>http.route</c>,
/// <c>http.response.status_code</c>, the error status for 5xx and the <c>{method} {route}</c> span name
/// the HTTP semantic conventions ask for, so traces group by route instead of by raw path.
/// </summary>
public sealed class RequestSpanEnricher
{
    private readonly RequestDelegate _next;

    public RequestSpanEnricher(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        // ASP.NET Core creates a request activity whenever logging is on, listened to or not; one nobody
        // listens to (no OTLP endpoint, so no tracer) would only cost every request a name and tags.
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        return activity is { IsAllDataRequested: true } && activity.Source.HasListeners()
            ? InvokeAndCompleteAsync(activity, context)
            : _next(context);
    }

    private async Task InvokeAndCompleteAsync(Activity activity, HttpContext context)
    {
        try
        {
            await _next(context);
            Complete(activity, context, context.Response.StatusCode, error: null);
        }
        catch (Exception ex)
        {
            // The server turns an unhandled exception into a 500 after this middleware has returned.
            Complete(activity, context, StatusCodes.Status500InternalServerError, ex.GetType().FullName);
            throw;
        }
    }

    private static void Complete(Activity activity, HttpContext context, int statusCode, string? error)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (route is not null)
        {
            activity.SetTag("http.route", route);
        }

        activity.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
        activity.SetTag("http.response.status_code", statusCode);
        if (statusCode >= 500)
        {
            activity.SetTag("error.type", error ?? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
