using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using HealthyApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthyApi.Tests.Api;

/// <summary>
/// GET /api/notes/stream, the long-lived response: it ends cleanly when the instance leaves rotation, so one
/// connected client no longer holds every shutdown to its timeout, and its client resumes elsewhere.
/// </summary>
public sealed class NoteStreamTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fifty_open_streams_end_cleanly_when_draining_begins_and_the_process_exits_right_after_the_delay()
    {
        var settings = await SharedServers.ServiceSettingsAsync();
        settings["Health__DrainDelay"] = "00:00:04";
        await using var service = ServiceProcess.Start(settings);
        await service.WaitForReadyAsync();

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { BaseAddress = service.App.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var streams = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => OpenAsync(client, lastEventId: null)));
        var clock = new Stopwatch();
        var delivered = 0;
        var reading = streams.Select(async stream =>
        {
            await ReadToEndAsync(stream, _ => Interlocked.Increment(ref delivered)); // throws if the stream is cut rather than ended
            return clock.Elapsed;
        }).ToArray();
        (await service.App.PostAsJsonAsync("/api/notes", new { text = "before the signal" })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref delivered)), n => n == 50, TimeSpan.FromSeconds(10), "the note on all 50 streams");

        clock.Start();
        service.Signal(Native.SIGTERM);
        var ends = await Task.WhenAll(reading);
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(40));
        var exited = clock.Elapsed;

        output.WriteLine($"SIGTERM at 0; streams ended between {ends.Min().TotalMilliseconds:0} and {ends.Max().TotalMilliseconds:0} ms; exit {exitCode} at {exited.TotalMilliseconds:0} ms (drain delay 4 s)");
        Assert.True(ends.Min() > TimeSpan.Zero && ends.Max() < TimeSpan.FromSeconds(4), "every stream must end after the signal and within the drain delay");
        Assert.Equal(0, exitCode);
        Assert.True(exited < TimeSpan.FromSeconds(4 + 2), $"exited {exited.TotalSeconds:0.0} s after SIGTERM; open streams held shutdown");
    }

    [Fact]
    public async Task A_draining_instance_refuses_new_streams_with_retry_after()
    {
        await using var service = await ServiceProcess.StartWithSharedServersAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.Management.PostAsync("/admin/drain", null)).StatusCode);

        using var refused = await service.App.GetAsync("/api/notes/stream");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
    }
#if (postgres)

    [Fact]
    public async Task A_stream_cut_by_draining_resumes_on_the_other_instance_and_misses_no_note()
    {
        // Two instances on one database, and a client that reconnects to the other with Last-Event-ID.
        var settings = await SharedServers.ServiceSettingsAsync();
        settings["Health__DrainDelay"] = "00:00:03";
        await using var first = ServiceProcess.Start(settings);
        await first.WaitForReadyAsync();
        await using var second = ServiceProcess.Start(settings);
        await second.WaitForReadyAsync();

        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var created = new List<long>();
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !writing.IsCancellationRequested; i++)
            {
                var response = await second.App.PostAsJsonAsync("/api/notes", new { text = $"note {i}" });
                var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
                lock (created)
                {
                    created.Add(id);
                }

                await Task.Delay(50); // a steady trickle of notes, before, during and after the switch
            }
        });

        var received = new List<long>();
        var onFirst = await OpenAsync(client, null, first.App.BaseAddress);
        var readFirst = ReadToEndAsync(onFirst, id => received.Add(id));
        await Poll.UntilAsync(() => Task.FromResult(received.Count), n => n >= 5, TimeSpan.FromSeconds(20), "notes on the first instance's stream");
        first.Signal(Native.SIGTERM);
        await readFirst; // ends cleanly when the first instance starts draining

        var onSecond = await OpenAsync(client, received[^1].ToString(System.Globalization.CultureInfo.InvariantCulture), second.App.BaseAddress);
        var readSecond = ReadToEndAsync(onSecond, id => received.Add(id));
        int switchedAt;
        lock (created)
        {
            switchedAt = created.Count;
        }

        await Poll.UntilAsync(() => Task.FromResult(received.Count), n => n >= switchedAt + 5, TimeSpan.FromSeconds(20), "notes created after the switch on the second instance's stream");
        writing.Cancel();
        await writer;
        await Poll.UntilAsync(() => Task.FromResult(received.Count >= created.Count && received[^1] == created[^1]), ok => ok, TimeSpan.FromSeconds(10), "the last note");
        onSecond.Dispose();
        await Assert.ThrowsAnyAsync<Exception>(() => readSecond); // cut by us, not by the server

        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        var missed = created.Where(id => id > 0).Except(received).ToArray();
        Assert.True(missed.Length == 0, $"missed {missed.Length} of {created.Count} notes across the switch: {string.Join(", ", missed.Take(10))}");
        Assert.Equal(received.Count, received.Distinct().Count());
    }
#endif

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string? lastEventId, Uri? baseAddress = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress ?? client.BaseAddress!, "/api/notes/stream"));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    /// <summary>Reads server-sent events until the server ends the response; a cut connection throws.</summary>
    private static async Task<List<System.Net.ServerSentEvents.SseItem<string>>> ReadToEndAsync(HttpResponseMessage response, Action<long>? onNote = null)
    {
        var events = new List<System.Net.ServerSentEvents.SseItem<string>>();
        await using var body = await response.Content.ReadAsStreamAsync();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(body).EnumerateAsync())
        {
            events.Add(item);
            if (onNote is not null && long.TryParse(item.EventId, out var id))
            {
                onNote(id);
            }
        }

        return events;
    }
}
