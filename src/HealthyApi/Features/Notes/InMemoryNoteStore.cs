#if (!postgres)
using System.Collections.Concurrent;

namespace HealthyApi.Features.Notes;

/// <summary>
/// Notes in process memory: this service was generated without PostgreSQL, and this class stands in for
/// whatever storage it gets. Lost on restart and not shared between replicas; replace it (keep the
/// method signatures and the endpoints need no change) and add that storage's readiness check.
/// </summary>
public sealed class NoteStore
{
    private readonly ConcurrentDictionary<long, Note> _notes = new();
    private long _lastId;

    public Task<Note> AddAsync(Note note, CancellationToken cancellationToken)
    {
        note.Id = Interlocked.Increment(ref _lastId);
        _notes[note.Id] = note;
        return Task.FromResult(note);
    }

    public Task<Note?> FindAsync(long id, CancellationToken cancellationToken) =>
        Task.FromResult(_notes.GetValueOrDefault(id));

    public Task<NoteResponse[]> ListNewestAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult(_notes.Values
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(limit)
            .Select(NoteResponse.From)
            .ToArray());
}
#endif
