namespace HealthyApi.Health;

/// <summary>The status of one check in a readiness answer; the JSON names are in <see cref="CheckStatusNames"/>.</summary>
public enum CheckStatus
{
    Pass,

    /// <summary>A non-critical check is failing, or a check reported Degraded: readiness stays 200.</summary>
    Warn,

    /// <summary>The check answered Unhealthy.</summary>
    Fail,

    /// <summary>The check threw.</summary>
    Error,

    /// <summary>The check did not answer within its timeout and was abandoned.</summary>
    Timeout,

    /// <summary>The last evaluation is older than three periods, so nothing is known.</summary>
    Stale,
}
