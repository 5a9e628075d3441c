using System.Diagnostics;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>Waiting with a deadline instead of sleeping: fast when things are fast, and a failure says what never happened.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        T last = default!;
        Exception? lastError = null;
        while (watch.Elapsed < timeout)
        {
            try
            {
                last = await probe();
                lastError = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                lastError = ex;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}. Last value: {last}{(lastError is null ? "" : $"; last error: {lastError.Message}")}");
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);
}
