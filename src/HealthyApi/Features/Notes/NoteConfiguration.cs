using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HealthyApi.Features.Notes;

/// <summary>The <c>notes</c> table (see Data/Migrations for the migration that creates it).</summary>
public sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> note)
    {
        note.ToTable("notes");
        note.HasKey(n => n.Id);
        note.Property(n => n.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        note.Property(n => n.Text).HasColumnName("text").HasMaxLength(Note.MaxTextLength).IsRequired();
        note.Property(n => n.CreatedAt).HasColumnName("created_at");
        note.HasIndex(n => n.CreatedAt);
    }
}
