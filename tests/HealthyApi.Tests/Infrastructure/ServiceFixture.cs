namespace HealthyApi.Tests.Infrastructure;

/// <summary>One running service (shared servers, its own database) for a test class that does not break it.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync() => Service = await ServiceProcess.StartWithSharedServersAsync();

    public async Task DisposeAsync() => await Service.DisposeAsync();
}
