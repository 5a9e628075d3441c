using HealthyApi.Lifecycle;
using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

/// <summary>Answers /readyz and /readyz/{check} from the latest snapshot, without touching a dependency.</summary>
public sealed class ReadinessResponder
{
    private readonly AppLifecycle _lifecycle;
    private readonly ReadinessMonitor _monitor;
    private readonly ReadinessEvaluator _evaluator;
    private readonly IReadinessDetailAccess _access;
    private readonly HealthMetrics _metrics;
    private readonly IOptionsMonitor<HealthOptions> _options;
    private readonly TimeProvider _time;

    public ReadinessResponder(AppLifecycle lifecycle, ReadinessMonitor monitor, ReadinessEvaluator evaluator, IReadinessDetailAccess access, HealthMetrics metrics, IOptionsMonitor<HealthOptions> options, TimeProvider time)
    {
        _lifecycle = lifecycle;
        _monitor = monitor;
        _evaluator = evaluator;
        _access = access;
        _metrics = metrics;
        _options = options;
        _time = time;
    }

    public async Task RespondAsync(HttpContext context, string? onlyCheck)
    {
        if (onlyCheck is not null && !_evaluator.CheckNames.Contains(onlyCheck, StringComparer.Ordinal))
        {
            context.Response.Headers.CacheControl = "no-store";
            await Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Unknown readiness check",
                    detail: $"There is no readiness check named '{onlyCheck}'. Known checks: {string.Join(", ", _evaluator.CheckNames)}.")
                .ExecuteAsync(context);
            return;
        }

        var report = ReadinessReport.Create(_lifecycle.Phase, _monitor.Latest, _time.GetUtcNow(), _options.CurrentValue.StaleAfter, onlyCheck);
        if (onlyCheck is null)
        {
            _metrics.ReadinessAnswered(report);
        }

        await HealthResponseWriter.WriteReadinessAsync(context, report, includeErrors: _access.MaySeeErrors(context));
    }
}
