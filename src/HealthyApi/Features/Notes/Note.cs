namespace HealthyApi.Features.Notes;

public sealed class Note
{
    public const int MaxTextLength = 2000;

    public long Id { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
