namespace HealthyApi.Features.Notes;

public sealed record CreateNoteRequest(string? Text);
