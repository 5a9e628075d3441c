using Microsoft.EntityFrameworkCore;

namespace HealthyApi.Data;

/// <summary>
/// The one EF Core context. Features own their entities: each maps its own in an
/// <see cref="IEntityTypeConfiguration{TEntity}"/> next to it, picked up from this assembly, so Data
/// depends on no feature and a new feature adds a table without touching this file.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    // Changing the model? The Design package does not restore everywhere, so a migration and the update
    // to AppDbContextModelSnapshot can be written by hand (README, "Extend the service"); MigrationTests
    // fails until both match the model.
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
}
