using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace HealthyApi.Data.Migrations;

/// <summary>Written by hand (the EF Core Design package is not available): notes, and the health table.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261121000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "notes",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_notes", x => x.id));

        migrationBuilder.CreateIndex(name: "IX_notes_created_at", table: "notes", column: "created_at");

        migrationBuilder.Sql(HealthProbeTable.CreateSql);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(HealthProbeTable.DropSql);
        migrationBuilder.DropTable(name: "notes");
    }
}
