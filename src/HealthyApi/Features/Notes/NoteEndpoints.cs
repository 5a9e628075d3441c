using HealthyApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace HealthyApi.Features.Notes;

/// <summary>A small real feature that uses both dependencies: notes in PostgreSQL, single reads cached in Redis.</summary>
public static class NoteEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static TBuilder AddNotes<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<NoteCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapNotes(this IEndpointRouteBuilder endpoints)
    {
        var notes = endpoints.MapGroup("/api/notes").WithTags("Notes");
        notes.MapPost("/", CreateAsync);
        notes.MapGet("/{id:long}", GetAsync);
        notes.MapGet("/", ListAsync);
        return endpoints;
    }

    private static async Task<Results<Created<NoteResponse>, ValidationProblem>> CreateAsync(
        CreateNoteRequest request, AppDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var text = request.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Invalid("text", "Text is required and cannot be blank.");
        }

        if (text.Length > Note.MaxTextLength)
        {
            return Invalid("text", $"Text must be at most {Note.MaxTextLength} characters (got {text.Length}).");
        }

        var note = new Note { Text = text, CreatedAt = time.GetUtcNow() };
        db.Notes.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        var response = NoteResponse.From(note);
        return TypedResults.Created($"/api/notes/{note.Id}", response);
    }

    private static async Task<Results<Ok<NoteResponse>, NotFound>> GetAsync(
        long id, AppDbContext db, NoteCache cache, HttpContext context, CancellationToken cancellationToken)
    {
        if (await cache.GetAsync(id) is { } cached)
        {
            context.Response.Headers["X-Cache"] = "hit";
            return TypedResults.Ok(cached);
        }

        var note = await db.Notes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null)
        {
            return TypedResults.NotFound();
        }

        var response = NoteResponse.From(note);
        await cache.SetAsync(response);
        context.Response.Headers["X-Cache"] = "miss";
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<NoteResponse[]>, ValidationProblem>> ListAsync(
        AppDbContext db, CancellationToken cancellationToken, int limit = DefaultPageSize)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return Invalid("limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        var page = await db.Notes.AsNoTracking()
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(limit)
            .Select(n => new NoteResponse(n.Id, n.Text, n.CreatedAt))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(page);
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
