namespace HealthyApi.Features.Notes;

/// <summary>
/// Wakes the streams of this instance when it stores a note, so they send it at once. Notes written by
/// other instances reach a stream through its periodic read of the store instead.
/// </summary>
public sealed class NoteFeed
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void NoteAdded()
    {
        TaskCompletionSource added;
        lock (_gate)
        {
            added = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    /// <summary>Completes when a note is added here, or after <paramref name="atMost"/>; cancellation ends it early.</summary>
    public async Task WaitAsync(TimeSpan atMost, TimeProvider time, CancellationToken cancellationToken)
    {
        Task added;
        lock (_gate)
        {
            added = _next.Task;
        }

        try
        {
            await added.WaitAsync(atMost, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to read the store for notes other instances wrote.
        }
    }
}
