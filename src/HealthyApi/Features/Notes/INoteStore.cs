namespace HealthyApi.Features.Notes;

/// <summary>Where notes live. The endpoints depend on this alone, so the storage can change under them.</summary>
public interface INoteStore
{
    Task<Note> AddAsync(Note note, CancellationToken cancellationToken);

    Task<Note?> FindAsync(long id, CancellationToken cancellationToken);

    Task<NoteResponse[]> ListNewestAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> notes with an id above <paramref name="afterId"/>, oldest first (the stream's catch-up).</summary>
    Task<NoteResponse[]> ListAfterAsync(long afterId, int limit, CancellationToken cancellationToken);
}
