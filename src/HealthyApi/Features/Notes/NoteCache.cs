using System.Text.Json;
using HealthyApi.Errors;
using HealthyApi.Redis;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace HealthyApi.Features.Notes;

/// <summary>
/// Read-through cache for single notes. The cache is an optimisation, never a dependency of the answer:
/// <list type="bullet">
/// <item>each call waits at most 250 ms (StackExchange.Redis 1.x has no timeout on async calls, hence the
/// explicit one), then the read falls through to the store;</item>
/// <item>a circuit breaker stops asking a Redis that keeps failing: after half the calls of 10 s fail
/// (4 at least), reads and writes skip Redis for 15 s and cost nothing, then one call tries again;</item>
/// <item>failures are logged once per 10 s, with how many there were.</item>
/// </list>
/// </summary>
public sealed class NoteCache
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan BreakFor = TimeSpan.FromSeconds(15);

    private readonly IConnectionMultiplexer _redis;
    private readonly SecretRedactor _redactor;
    private readonly ILogger<NoteCache> _logger;
    private readonly LogThrottle _failures;
    private readonly ResiliencePipeline _breaker;

    public NoteCache(IConnectionMultiplexer redis, SecretRedactor redactor, TimeProvider time, ILogger<NoteCache> logger)
    {
        _redis = redis;
        _redactor = redactor;
        _logger = logger;
        _failures = new LogThrottle(TimeSpan.FromSeconds(10), time);
        _breaker = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakFor,
                OnOpened = _ =>
                {
                    _logger.LogWarning("Note cache: Redis keeps failing; reads and writes skip it for {BreakSeconds} s", BreakFor.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("Note cache: Redis answers again; cache in use");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public async Task<NoteResponse?> GetAsync(long id)
    {
        using var activity = RedisTelemetry.StartCommand("GET", _redis);
        try
        {
            var value = await _breaker.ExecuteAsync(async _ => await _redis.GetDatabase().StringGetAsync(Key(id)).WaitAsync(Budget));
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<NoteResponse>((string)value!);
        }
        catch (Exception ex)
        {
            RedisTelemetry.Failed(activity, ex);
            LogBypass("read", ex);
            return null;
        }
    }

    public async Task SetAsync(NoteResponse note)
    {
        using var activity = RedisTelemetry.StartCommand("SET", _redis);
        try
        {
            await _breaker.ExecuteAsync(async _ =>
                await _redis.GetDatabase().StringSetAsync(Key(note.Id), JsonSerializer.Serialize(note), TimeToLive).WaitAsync(Budget));
        }
        catch (Exception ex)
        {
            RedisTelemetry.Failed(activity, ex);
            LogBypass("write", ex);
        }
    }

    private static string Key(long id) => $"notes:{id}";

    private void LogBypass(string operation, Exception ex)
    {
        // An open circuit is the breaker doing its job, announced once when it opened.
        if (ex is not BrokenCircuitException && _failures.ShouldLog(out var skipped))
        {
            _logger.LogWarning("Note cache {Operation} skipped: {Error} ({Skipped} more cache failures since the last warning)",
                operation, _redactor.Redact(ErrorText.Describe(ex)), skipped);
        }
    }
}
