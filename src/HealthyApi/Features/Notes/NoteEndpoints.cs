#if (redis)
using HealthyApi.Errors;
#endif
using Microsoft.AspNetCore.Http.HttpResults;
#if (redis)
using Microsoft.Extensions.DependencyInjection.Extensions;
#endif

namespace HealthyApi.Features.Notes;

/// <summary>A small real feature to copy or replace: notes in an <see cref="INoteStore"/>, single reads through the cache when there is one.</summary>
public static class NoteEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static TBuilder AddNotes<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
#if (postgres)
        builder.Services.AddScoped<INoteStore, PostgresNoteStore>();
#else
        builder.Services.AddSingleton<INoteStore, InMemoryNoteStore>();
#endif
        builder.Services.AddSingleton<NoteFeed>();
#if (redis)
        builder.Services.TryAddSingleton<SecretRedactor>();
        builder.Services.AddSingleton<NoteCache>();
#endif
        return builder;
    }

    public static IEndpointRouteBuilder MapNotes(this IEndpointRouteBuilder endpoints)
    {
        var notes = endpoints.MapGroup("/api/notes").WithTags("Notes");
        notes.MapPost("/", CreateAsync).WithMetadata(new RequestBodyLimit(NoteText.MaxBodyBytes));
        notes.MapGet("/{id:long}", GetAsync);
        notes.MapGet("/", ListAsync);
        notes.MapGet("/stream", NoteStream.Open);
        return endpoints;
    }

    private static async Task<Results<Created<NoteResponse>, ValidationProblem>> CreateAsync(
        CreateNoteRequest request, INoteStore store, NoteFeed feed, TimeProvider time, CancellationToken cancellationToken)
    {
        var text = request.Text?.Trim();
        if (!NoteText.IsValid(text, out var problem))
        {
            return Invalid("text", problem);
        }

        // Whole microseconds: what a database timestamp keeps, so the reply to POST equals every later GET.
        var now = time.GetUtcNow();
        var createdAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var note = await store.AddAsync(new Note { Text = text, CreatedAt = createdAt }, cancellationToken);
        feed.NoteAdded();
        var response = NoteResponse.From(note);
        return TypedResults.Created($"/api/notes/{note.Id}", response);
    }

#if (redis)
    private static async Task<Results<Ok<NoteResponse>, NotFound>> GetAsync(
        long id, INoteStore store, NoteCache cache, HttpContext context, CancellationToken cancellationToken)
    {
        if (await cache.GetAsync(id) is { } cached)
        {
            context.Response.Headers["X-Cache"] = "hit";
            return TypedResults.Ok(cached);
        }

        var note = await store.FindAsync(id, cancellationToken);
        if (note is null)
        {
            return TypedResults.NotFound();
        }

        var response = NoteResponse.From(note);
        await cache.SetAsync(response);
        context.Response.Headers["X-Cache"] = "miss";
        return TypedResults.Ok(response);
    }
#else
    private static async Task<Results<Ok<NoteResponse>, NotFound>> GetAsync(long id, INoteStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } note ? TypedResults.Ok(NoteResponse.From(note)) : TypedResults.NotFound();
#endif

    private static async Task<Results<Ok<NoteResponse[]>, ValidationProblem>> ListAsync(
        INoteStore store, CancellationToken cancellationToken, int limit = DefaultPageSize)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return Invalid("limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        return TypedResults.Ok(await store.ListNewestAsync(limit, cancellationToken));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
