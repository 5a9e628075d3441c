namespace HealthyApi.Features.Notes;

public sealed record NoteResponse(long Id, string Text, DateTimeOffset CreatedAt)
{
    public static NoteResponse From(Note note) => new(note.Id, note.Text, note.CreatedAt);
}
