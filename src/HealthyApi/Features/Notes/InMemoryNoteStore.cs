using System.Collections.Concurrent;

namespace HealthyApi.Features.Notes;

/// <summary>
/// Notes in process memory, standing in for whatever storage the service gets. Lost on restart and not
/// shared between replicas; replace it with another <see cref="INoteStore"/> (the endpoints need no
/// change) and add that storage's readiness check.
/// </summary>
public sealed class InMemoryNoteStore : INoteStore
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

    public Task<NoteResponse[]> ListAfterAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(_notes.Values
            .Where(n => n.Id > afterId)
            .OrderBy(n => n.Id)
            .Take(limit)
            .Select(NoteResponse.From)
            .ToArray());
}
