using System.Net;
using System.Net.Http.Headers;
using HealthyApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HealthyApi.Tests.Management;

/// <summary>
/// The admin policy for callers that are not on loopback. An in-process test server lets the test
/// choose the caller's address and the port the connection arrived on.
/// </summary>
public sealed class AdminAccessTests
{
    private const int ManagementPort = 8081;

    [Fact]
    public async Task Remote_admin_without_a_configured_token_is_403()
    {
        await using var app = await CreateAsync(token: null, remote: "10.1.2.3");
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/admin/drain", null)).StatusCode);
    }

    [Fact]
    public async Task Remote_admin_needs_the_right_bearer_token()
    {
        await using var app = await CreateAsync(token: "s3cret-admin-token", remote: "10.1.2.3");
        using var client = app.CreateClient();

        var missing = await client.PostAsync("/admin/drain", null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/admin/drain", null)).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-admin-token");
        var drained = await client.PostAsync("/admin/drain", null);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/admin/resume", null)).StatusCode);
    }

    [Fact]
    public async Task Loopback_is_trusted_on_the_management_port()
    {
        await using var app = await CreateAsync(token: null, remote: "127.0.0.1");
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/admin/drain", null)).StatusCode);
    }

    private static async Task<WebApplicationFactory<Program>> CreateAsync(string? token, string remote)
    {
        var settings = await SharedServers.ServiceSettingsAsync();
        return InMemoryService.Start(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }

            web.UseSetting("Management:Port", ManagementPort.ToString());
            web.UseSetting("Admin:Token", token);
            web.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new CallerFilter(IPAddress.Parse(remote))));
        });
    }

    /// <summary>Makes every request look as if it came from <paramref name="remote"/> to the management port.</summary>
    private sealed class CallerFilter(IPAddress remote) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = remote;
                context.Connection.LocalPort = ManagementPort;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
