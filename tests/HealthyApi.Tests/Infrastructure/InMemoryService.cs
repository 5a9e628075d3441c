using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// Program.cs run in memory (WebApplicationFactory), started before it is returned. Starts are one at a
/// time: the factory finds the host that Program.cs builds through a process-wide diagnostic event, so two
/// starting at once in parallel test classes can each catch the other's host (seen as "Cannot access a
/// disposed object: IServiceProvider").
/// </summary>
public static class InMemoryService
{
    private static readonly Lock StartGate = new();

    public static WebApplicationFactory<Program> Start(Action<IWebHostBuilder> configure)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            // Its log would land between the test runner's lines; the tests assert on answers, not logs.
            web.ConfigureLogging(logging => logging.ClearProviders());
            configure(web);
        });
        lock (StartGate)
        {
            _ = factory.Services; // builds and starts the host
        }

        return factory;
    }
}
