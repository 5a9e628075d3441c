namespace HealthyApi.Lifecycle;

/// <summary>
/// Something that must hold, after every <see cref="IStartupTask"/> has run, before the service leaves
/// <c>starting</c> (for example: one readiness evaluation in which every critical check passes).
/// Registered by the folders that know what it means, so the lifecycle needs to know none of them.
/// </summary>
public interface IStartupCondition
{
    Task WaitUntilMetAsync(CancellationToken cancellationToken);
}
