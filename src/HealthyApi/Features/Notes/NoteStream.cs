using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using HealthyApi.Lifecycle;

namespace HealthyApi.Features.Notes;

/// <summary>
/// <c>GET /api/notes/stream</c>: server-sent events of new notes, the example of a long-lived response that
/// drains. The stream ends cleanly the moment the instance leaves rotation (drain or SIGTERM), not when the
/// drain delay is over: its client then has the whole delay to reconnect to another instance, which the load
/// balancer is routing to by then, instead of holding this one's shutdown open to its timeout. While out of
/// rotation a new stream is refused (503, Retry-After), so a reconnect does not land here again. Each event's
/// id is the note's id: a client that reconnects with <c>Last-Event-ID</c> gets every note it missed.
/// </summary>
public static class NoteStream
{
    /// <summary>How often a stream reads the store for notes that other instances wrote.</summary>
    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(1);

    private const int Batch = 100;

    public static IResult Open(HttpContext context, INoteStore store, NoteFeed feed, AppLifecycle lifecycle, TimeProvider time)
    {
        if (lifecycle.IsOutOfRotation)
        {
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "This instance is draining",
                detail: "Reconnect to another instance; send Last-Event-ID to resume after the last note you received.");
        }

        var after = long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifecycle.LeavingRotation);
        context.Response.RegisterForDispose(ends);
        return TypedResults.ServerSentEvents(NotesAfter(after, store, feed, time, ends.Token));
    }

    private static async IAsyncEnumerable<SseItem<NoteResponse?>> NotesAfter(
        long after, INoteStore store, NoteFeed feed, TimeProvider time, [EnumeratorCancellation] CancellationToken ends)
    {
        // First a "ready" event, so the response starts now (not at the first note, which may be minutes away)
        // and tells EventSource clients to reconnect after 1 s rather than its default of 3.
        yield return new SseItem<NoteResponse?>(null, "ready") { ReconnectionInterval = TimeSpan.FromSeconds(1) };
        while (true)
        {
            NoteResponse[] notes;
            try
            {
                notes = await store.ListAfterAsync(after, Batch, ends);
                if (notes.Length == 0)
                {
                    await feed.WaitAsync(ReadEvery, time, ends);
                    continue;
                }
            }
            catch (OperationCanceledException) when (ends.IsCancellationRequested)
            {
                yield break; // the end of the response, not an error: the client reconnects elsewhere
            }

            foreach (var note in notes)
            {
                after = note.Id;
                yield return new SseItem<NoteResponse?>(note, "note") { EventId = note.Id.ToString(CultureInfo.InvariantCulture) };
            }
        }
    }
}
