using System.Text.Json;
using HealthyApi.Errors;
using HealthyApi.Redis;
using StackExchange.Redis;

namespace HealthyApi.Features.Notes;

/// <summary>
/// Read-through cache for single notes. The cache is an optimisation, never a dependency of the
/// answer: when Redis is down or hung, reads fall through to the store after a short wait
/// (StackExchange.Redis 1.x has no timeout on async calls, hence the explicit one).
/// </summary>
public sealed class NoteCache
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    private readonly IConnectionMultiplexer _redis;
    private readonly SecretRedactor _redactor;
    private readonly ILogger<NoteCache> _logger;

    public NoteCache(IConnectionMultiplexer redis, SecretRedactor redactor, ILogger<NoteCache> logger)
    {
        _redis = redis;
        _redactor = redactor;
        _logger = logger;
    }

    public async Task<NoteResponse?> GetAsync(long id)
    {
        using var activity = RedisTelemetry.StartCommand("GET", _redis);
        try
        {
            var value = await _redis.GetDatabase().StringGetAsync(Key(id)).WaitAsync(Budget);
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
            await _redis.GetDatabase().StringSetAsync(Key(note.Id), JsonSerializer.Serialize(note), TimeToLive).WaitAsync(Budget);
        }
        catch (Exception ex)
        {
            RedisTelemetry.Failed(activity, ex);
            LogBypass("write", ex);
        }
    }

    private static string Key(long id) => $"notes:{id}";

    private void LogBypass(string operation, Exception ex) =>
        _logger.LogWarning("Note cache {Operation} skipped: {Error}", operation, _redactor.Redact(ErrorText.Describe(ex)));
}
