using System.Diagnostics;
using HealthyApi.Management;
using OpenTelemetry.Trace;

namespace HealthyApi.Observability;

/// <summary>
/// Drops the request spans of probes, /metrics and admin calls: a kubelet probing every 5 s and a
/// Prometheus scraping every 15 s would otherwise be most of a quiet service's traces, and cost
/// money in every tracing backend. Everything else follows its parent's decision, or is sampled.
/// ASP.NET Core 10 puts <c>url.path</c> on its request activity at creation (with the
/// SuppressActivityOpenTelemetryData switch off, see the project file), which is what lets a sampler see it.
/// </summary>
public sealed class ManagementTrafficSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);

    private readonly ManagementPaths _paths;

    public ManagementTrafficSampler(ManagementPaths paths)
    {
        _paths = paths;
        Description = nameof(ManagementTrafficSampler);
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId != default)
        {
            return samplingParameters.ParentContext.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? Sample : Drop;
        }

        if (samplingParameters.Tags is not null)
        {
            foreach (var tag in samplingParameters.Tags)
            {
                if (tag.Key == "url.path" && tag.Value is string path && _paths.Contains(new PathString(path)))
                {
                    return Drop;
                }
            }
        }

        return Sample;
    }
}
