using System.Diagnostics;
using HealthyApi.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace HealthyApi.Tests.Observability;

/// <summary>
/// ASP.NET Core creates a request activity whenever logging is on, whether or not a tracer listens:
/// the enricher names and tags only the spans someone records, and costs the others nothing.
/// </summary>
public sealed class RequestSpanEnricherTests
{
    [Fact]
    public async Task A_listened_to_request_span_gets_its_route_status_and_name()
    {
        using var source = new ActivitySource($"Test.Enricher.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("Microsoft.AspNetCore.Hosting.HttpRequestIn");
        Assert.NotNull(activity);

        await EnrichAsync(activity, StatusCodes.Status503ServiceUnavailable);

        Assert.Equal("GET /readyz/{check}", activity.DisplayName);
        Assert.Equal("/readyz/{check}", activity.GetTagItem("http.route"));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task A_request_activity_no_one_listens_to_is_left_as_it_is()
    {
        // What the hosting layer does when only logging asks for an activity: a bare Activity, started.
        using var activity = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start();
        Assert.True(activity.IsAllDataRequested);

        await EnrichAsync(activity, StatusCodes.Status200OK);

        Assert.Equal("Microsoft.AspNetCore.Hosting.HttpRequestIn", activity.DisplayName);
        Assert.Empty(activity.TagObjects);
    }

    private static async Task EnrichAsync(Activity activity, int statusCode)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Features.Set<IHttpActivityFeature>(new ActivityFeature(activity));
        context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/readyz/{check}"), 0, EndpointMetadataCollection.Empty, "readiness-check"));
        var enricher = new RequestSpanEnricher(c =>
        {
            c.Response.StatusCode = statusCode;
            return Task.CompletedTask;
        });

        await enricher.InvokeAsync(context);
    }

    private sealed class ActivityFeature(Activity activity) : IHttpActivityFeature
    {
        public Activity Activity { get; set; } = activity;
    }
}
