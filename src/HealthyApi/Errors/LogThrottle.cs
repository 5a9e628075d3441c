namespace HealthyApi.Errors;

/// <summary>
/// One log line per interval for a failure that can repeat thousands of times a second (a hung cache, a
/// connection flood, a scan of the admin port), saying how many occurrences it stands for.
/// </summary>
public sealed class LogThrottle
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _nextAt = long.MinValue;
    private long _skipped;

    public LogThrottle(TimeSpan interval, TimeProvider time)
    {
        _interval = interval;
        _time = time;
    }

    /// <summary>True when this occurrence should be logged; <paramref name="skipped"/> is how many were not since the last one that was.</summary>
    public bool ShouldLog(out long skipped)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (now < _nextAt)
            {
                _skipped++;
                skipped = 0;
                return false;
            }

            _nextAt = now + (long)(_interval.TotalSeconds * _time.TimestampFrequency);
            skipped = _skipped;
            _skipped = 0;
            return true;
        }
    }
}
