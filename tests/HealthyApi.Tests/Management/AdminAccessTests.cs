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

    [Fact]
    public async Task With_a_token_configured_loopback_needs_it_too_because_a_sidecar_forwards_from_loopback()
    {
        await using var app = await CreateAsync(token: "s3cret-admin-token", remote: "127.0.0.6"); // Istio's inbound source
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/admin/drain", null)).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-admin-token");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/admin/drain", null)).StatusCode);
    }

    [Theory]
    [InlineData("Origin", "http://attacker.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_request_a_web_page_sends_is_refused_even_from_loopback(string header, string value)
    {
        await using var app = await CreateAsync(token: null, remote: "127.0.0.1");
        using var client = app.CreateClient();

        using var fromPage = new HttpRequestMessage(HttpMethod.Post, "/admin/drain");
        fromPage.Headers.Add(header, value);
        var refused = await client.SendAsync(fromPage);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("web pages", await refused.Content.ReadAsStringAsync());

        using var typed = new HttpRequestMessage(HttpMethod.Post, "/admin/drain");
        typed.Headers.Add("Sec-Fetch-Site", "none"); // a user typing the URL: not a page acting on its own
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(typed)).StatusCode);
    }

    [Theory]
    [InlineData(null, "127.0.0.1", null, true)]
    [InlineData(null, "10.1.2.3", null, false)]
    [InlineData(null, "127.0.0.1", "Origin", false)]
    [InlineData("s3cret-admin-token", "127.0.0.1", null, false)]
    [InlineData("s3cret-admin-token", "10.1.2.3", "Authorization", true)]
    public async Task On_a_shared_port_error_texts_follow_the_admin_rule(string? token, string remote, string? header, bool seesErrors)
    {
        // A check that really fails, with an error text: free disk above what any disk has.
        await using var app = await CreateAsync(token, remote, new()
        {
            ["Management__Port"] = "0",
            ["Health__DiskSpace__MinimumFreeMegabytes"] = "1000000000",
        });
        using var client = app.CreateClient();
        if (header == "Origin")
        {
            client.DefaultRequestHeaders.Add("Origin", "http://attacker.example");
        }
        else if (header == "Authorization")
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var body = await Poll.UntilAsync(async () => await (await client.GetAsync("/readyz/disk_space")).Content.ReadAsStringAsync(),
            text => text.Contains("\"fail\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the disk_space check to fail");
        Assert.Equal(seesErrors, body.Contains("\"error\"", StringComparison.Ordinal));
    }

    private static async Task<WebApplicationFactory<Program>> CreateAsync(string? token, string remote, Dictionary<string, string?>? more = null)
    {
        var settings = await SharedServers.ServiceSettingsAsync();
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return InMemoryService.Start(web =>
        {
            web.UseSetting("Management:Port", ManagementPort.ToString());
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }

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
