using HealthyApi.Lifecycle;

namespace HealthyApi.Tests.Lifecycle;

/// <summary>The state machine alone: every transition, including the ones that must be refused.</summary>
public sealed class AppLifecycleTests
{
    [Fact]
    public void Lifecycle_transitions()
    {
        var lifecycle = new AppLifecycle();
        Assert.Equal(LifecyclePhase.Starting, lifecycle.Phase);

        Assert.True(lifecycle.Drain());
        lifecycle.CompleteStartup();
        Assert.Equal(LifecyclePhase.Draining, lifecycle.Phase); // a drain during start-up stays in force
        Assert.True(lifecycle.Resume());
        Assert.Equal(LifecyclePhase.Ready, lifecycle.Phase);
        Assert.True(lifecycle.Drain());
        Assert.True(lifecycle.Drain()); // idempotent
        Assert.True(lifecycle.BeginShutdown());
        Assert.False(lifecycle.BeginShutdown());
        Assert.False(lifecycle.Resume());
        Assert.False(lifecycle.Drain());
        Assert.Equal(LifecyclePhase.Stopping, lifecycle.Phase);
    }

    [Theory]
    [InlineData(LifecyclePhase.Starting, "starting")]
    [InlineData(LifecyclePhase.Ready, "ready")]
    [InlineData(LifecyclePhase.Draining, "draining")]
    [InlineData(LifecyclePhase.Stopping, "draining")]
    public void Readiness_and_admin_share_one_vocabulary(LifecyclePhase phase, string wire) =>
        Assert.Equal(wire, phase.ToWire());
}
