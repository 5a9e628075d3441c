namespace HealthyApi.Health.Checks;

/// <summary>
/// Registers the <c>IHealthCheck</c> it marks as a readiness check, through
/// <see cref="HealthChecksBuilderExtensions.AddMarkedChecks"/> in Program.cs: the class is the one place
/// that says it exists, so adding a check (<c>dotnet new healthy-check</c>) needs no edit elsewhere.
/// The check is created per evaluation with its constructor's services from DI.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReadinessCheckAttribute(string name) : Attribute
{
    /// <summary>The check's name in /readyz, /readyz/{name}, Health__Checks__{name}__… and the metrics.</summary>
    public string Name { get; } = name;

    /// <summary>Abandon the check after this many seconds; 0 = <c>Health__DefaultCheckTimeout</c>.</summary>
    public double TimeoutSeconds { get; init; }
}
