using System.Net;
using System.Text.Json;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Management;

public sealed class ManagementPortTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private ServiceProcess Service => fixture.Service;

    [Fact]
    public async Task Liveness_is_alive_with_a_timestamp_and_is_never_cached()
    {
        var response = await Service.Management.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store expected");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("alive", body.GetProperty("status").GetString());
        var timestamp = body.GetProperty("timestamp").GetDouble();
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public async Task Readiness_is_200_ready_with_every_check_passing()
    {
        var response = await Service.Management.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store expected");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("ok").GetBoolean());
        var checks = body.GetProperty("checks");
        Assert.Equal(RegisteredChecks.Names, checks.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var name in RegisteredChecks.Names)
        {
            // A check whose dependency the fixtures do not run is non-critical here (RegisteredChecks).
            Assert.Equal(RegisteredChecks.Provided.Contains(name) ? "pass" : "warn", checks.GetProperty(name).GetProperty("status").GetString());
            Assert.True(checks.GetProperty(name).GetProperty("duration_ms").GetDouble() >= 0);
        }
    }

    [Fact]
    public async Task One_check_alone_has_the_same_shape_and_an_unknown_check_is_404()
    {
        foreach (var name in RegisteredChecks.Names)
        {
            var (status, body) = await Service.ReadinessAsync($"/readyz/{name}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ready", body.GetProperty("status").GetString());
            Assert.Equal([name], body.GetProperty("checks").EnumerateObject().Select(p => p.Name));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Service.Management.GetAsync("/readyz/no_such_check")).StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/readyz/any")]
    [InlineData("/admin/drain")]
    public async Task Management_paths_do_not_exist_on_the_app_port(string path)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Service.App.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.App.PostAsync(path, null)).StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/notes")]
    public async Task The_api_does_not_exist_on_the_management_port(string path)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Management.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("/healthz", "GET")]
    [InlineData("/readyz", "GET")]
    [InlineData("/admin/drain", "POST")]
    public async Task Other_methods_on_management_paths_are_405_with_allow(string path, string allowed)
    {
        var method = allowed == "GET" ? HttpMethod.Put : HttpMethod.Get;
        var response = await Service.Management.SendAsync(new HttpRequestMessage(method, path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains(allowed, response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/healthz/")]
    [InlineData("/HEALTHZ/")]
    [InlineData("/%68ealthz")]
    [InlineData("/%68ealthz/")]
    [InlineData("/readyz/")]
    [InlineData("/Readyz/x")]
    [InlineData("/METRICS")]
    [InlineData("/admin/drain/")]
    public async Task Management_paths_spelled_any_way_routing_accepts_are_404_on_the_app_port(string path)
    {
        Assert.Equal(404, await RawHttp.SendAsync(Service.AppPort, $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    }

    [Theory]
    [InlineData("/healthz/")]
    [InlineData("/HEALTHZ")]
    [InlineData("/%68ealthz")]
    [InlineData("/readyz/")]
    [InlineData("/READYZ")]
    public async Task The_same_spellings_answer_on_the_management_port(string path)
    {
        Assert.Equal(200, await RawHttp.SendAsync(Service.ManagementPort, $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Head_answers_like_get_without_a_body(string path)
    {
        using var head = await Service.Management.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.True(head.Headers.CacheControl?.NoStore, "Cache-Control: no-store on HEAD too");
    }
}
