using System.Text.Json;

namespace HealthyApi.Health;

/// <summary>
/// Writes the liveness and readiness bodies exactly as README.md ("Endpoints") shows them (snake_case, unix seconds).
/// The bodies are small and written synchronously into the response buffer without flushing it: Kestrel
/// sends headers and body in one write when the handler returns, instead of a flush per body.
/// </summary>
public static class HealthResponseWriter
{
    public static Task WriteLivenessAsync(HttpContext context, DateTimeOffset now)
    {
        Prepare(context, StatusCodes.Status200OK);
        using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", "alive");
        json.WriteNumber("timestamp", UnixSeconds(now));
        json.WriteEndObject();
        return Task.CompletedTask;
    }

    /// <summary>/startupz: <c>{"status":"started"|"starting","timestamp":…}</c>, 200 or 503.</summary>
    public static Task WriteStartupAsync(HttpContext context, bool started, DateTimeOffset now)
    {
        Prepare(context, started ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", started ? "started" : "starting");
        json.WriteNumber("timestamp", UnixSeconds(now));
        json.WriteEndObject();
        return Task.CompletedTask;
    }

    /// <param name="includeErrors">False for callers who may not see error texts (shared port, not loopback, no token).</param>
    public static Task WriteReadinessAsync(HttpContext context, ReadinessReport report, bool includeErrors)
    {
        Prepare(context, report.HttpStatusCode);
        using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", report.Status);
        json.WriteBoolean("ok", report.Ok);
        json.WriteNumber("timestamp", UnixSeconds(report.Timestamp));
        if (report.Reason is not null)
        {
            json.WriteString("reason", report.Reason);
        }

        json.WriteStartObject("checks");
        foreach (var (name, check) in report.Checks.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject(name);
            json.WriteString("status", check.Status.ToWire());
            json.WriteNumber("duration_ms", Math.Round(check.Duration.TotalMilliseconds, 1));
            if (!check.Critical)
            {
                json.WriteBoolean("critical", false);
            }

            if (check.Pending is not null)
            {
                json.WriteString("pending", check.Pending);
            }

            if (includeErrors && check.Error is not null)
            {
                json.WriteString("error", check.Error);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        return Task.CompletedTask;
    }

    private static void Prepare(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        // A cached "ready" is worse than none: probes and humans must always see the current state.
        context.Response.Headers.CacheControl = "no-store";
    }

    private static double UnixSeconds(DateTimeOffset time) => Math.Round(time.ToUnixTimeMilliseconds() / 1000.0, 3);
}
