using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace HealthyApi.Features.Notes;

/// <summary>What a note's text may be, checked before anything is stored.</summary>
public static class NoteText
{
    /// <summary>
    /// The largest body a valid note needs: <see cref="Note.MaxTextLength"/> characters, each written as at
    /// most 12 bytes (an escaped surrogate pair, \uD83D\uDE00), plus the JSON around them. Anything larger is
    /// refused (413) before it is read, not after.
    /// </summary>
    public const long MaxBodyBytes = 32 * 1024;

    /// <summary>
    /// Whether <paramref name="text"/> can be stored; if not, <paramref name="problem"/> says why. Length counts Unicode code
    /// points, which is what users see for all but combined characters and what PostgreSQL's varchar counts
    /// (UTF-16 units would count an emoji twice). NUL and lone surrogates are refused: PostgreSQL cannot
    /// store the first, and the second is not text.
    /// </summary>
    public static bool IsValid([NotNullWhen(true)] string? text, [NotNullWhen(false)] out string? problem)
    {
        problem = Problem(text);
        return problem is null;
    }

    private static string? Problem(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "Text is required and cannot be blank.";
        }

        var length = 0;
        for (var rest = text.AsSpan(); !rest.IsEmpty; length++)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done)
            {
                return "Text must be valid Unicode (it contains a lone surrogate).";
            }

            if (rune.Value == 0)
            {
                return "Text cannot contain the NUL character (U+0000).";
            }

            rest = rest[used..];
        }

        return length > Note.MaxTextLength
            ? $"Text must be at most {Note.MaxTextLength} characters, counted as Unicode code points (got {length})."
            : null;
    }
}
