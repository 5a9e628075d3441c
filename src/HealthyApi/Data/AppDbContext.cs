using HealthyApi.Features.Notes;
using Microsoft.EntityFrameworkCore;

namespace HealthyApi.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Changing the model? The Design package does not restore here, so write the migration and
        // update AppDbContextModelSnapshot by hand; MigrationTests fails until both match the model.
        modelBuilder.Entity<Note>(note =>
        {
            note.ToTable("notes");
            note.HasKey(n => n.Id);
            note.Property(n => n.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            note.Property(n => n.Text).HasColumnName("text").HasMaxLength(Note.MaxTextLength).IsRequired();
            note.Property(n => n.CreatedAt).HasColumnName("created_at");
            note.HasIndex(n => n.CreatedAt);
        });
    }
}
