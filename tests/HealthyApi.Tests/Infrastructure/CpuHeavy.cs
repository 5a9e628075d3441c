namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// Tests that load both cores (a full restore + publish) run alone, after the parallel ones, so they do
/// not stretch the timings that the fault and shutdown tests measure.
/// </summary>
[CollectionDefinition(nameof(CpuHeavy), DisableParallelization = true)]
public sealed class CpuHeavy;
