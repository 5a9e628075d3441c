namespace HealthyApi.Lifecycle;

/// <summary>
/// Work that must finish before the service reports ready (migrations, cache warm-up). Tasks run in
/// registration order and are retried until they succeed; the Helm startup probe bounds the wait.
/// </summary>
public interface IStartupTask
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
