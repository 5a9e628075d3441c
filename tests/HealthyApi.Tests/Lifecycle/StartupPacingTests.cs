using HealthyApi.Lifecycle;
using Microsoft.Extensions.Hosting;

namespace HealthyApi.Tests.Lifecycle;

/// <summary>
/// Start-up's dependency work waits for the server to listen and then for its first request (or a short
/// cap), so the first probe is not slowed by it. Order is asserted here; the time it saves is measured
/// by bench/run.sh (row 5).
/// </summary>
public sealed class StartupPacingTests
{
    [Fact]
    public async Task Nothing_starts_before_the_server_listens_and_the_first_request_served_releases_the_work()
    {
        var lifetime = new Lifetime();
        var pacing = new StartupPacing(lifetime);
        var waiting = pacing.WaitForFirstRequestAsync(CancellationToken.None);

        pacing.RequestServed(); // even so, nothing begins before the server listens
        await Task.Delay(StartupPacing.MaxWait * 2);
        Assert.False(waiting.IsCompleted, "start-up work began before the server listened");

        lifetime.Start();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Without_a_request_the_work_begins_after_the_cap()
    {
        var lifetime = new Lifetime();
        var pacing = new StartupPacing(lifetime);
        lifetime.Start();
        var waiting = pacing.WaitForFirstRequestAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted, "the wait ended before either a request or the cap");
        await waiting.WaitAsync(TimeSpan.FromSeconds(5)); // no request ever comes: the cap lets the work begin
    }

    [Fact]
    public async Task Shutdown_during_the_wait_ends_it()
    {
        var pacing = new StartupPacing(new Lifetime());
        using var stopping = new CancellationTokenSource();
        var waiting = pacing.WaitForFirstRequestAsync(stopping.Token);
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
