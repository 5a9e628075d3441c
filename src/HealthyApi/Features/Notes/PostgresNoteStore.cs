using HealthyApi.Data;
using Microsoft.EntityFrameworkCore;

namespace HealthyApi.Features.Notes;

/// <summary>Notes in PostgreSQL, through EF Core (one <see cref="AppDbContext"/> per request).</summary>
public sealed class PostgresNoteStore : INoteStore
{
    private readonly AppDbContext _db;

    public PostgresNoteStore(AppDbContext db) => _db = db;

    public async Task<Note> AddAsync(Note note, CancellationToken cancellationToken)
    {
        _db.Set<Note>().Add(note);
        await _db.SaveChangesAsync(cancellationToken);
        return note;
    }

    public Task<Note?> FindAsync(long id, CancellationToken cancellationToken) =>
        _db.Set<Note>().AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);

    public Task<NoteResponse[]> ListNewestAsync(int limit, CancellationToken cancellationToken) =>
        _db.Set<Note>().AsNoTracking()
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(limit)
            .Select(n => new NoteResponse(n.Id, n.Text, n.CreatedAt))
            .ToArrayAsync(cancellationToken);

    // Ids come from an identity sequence: a transaction still open when a later one commits can make a note
    // appear below ids already streamed. Notes here are single-row inserts, so that window is milliseconds.
    public Task<NoteResponse[]> ListAfterAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        _db.Set<Note>().AsNoTracking()
            .Where(n => n.Id > afterId)
            .OrderBy(n => n.Id)
            .Take(limit)
            .Select(n => new NoteResponse(n.Id, n.Text, n.CreatedAt))
            .ToArrayAsync(cancellationToken);
}
