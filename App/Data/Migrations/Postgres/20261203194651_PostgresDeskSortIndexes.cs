using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations.Postgres
{
    /// <summary>
    /// The list sorts by a column and then by id in the same direction (TicketListOrder). SQLite's index on the column
    /// ends in the rowid and delivers that order; PostgreSQL's did not, so it sorted every run of equal values (a status,
    /// a day without date) on its way to the page. Each sort column's index is rebuilt under its model name as
    /// (column, Id): it serves everything the single-column index did, so the model (and SQLite) stay as they are.
    /// </summary>
    public partial class PostgresDeskSortIndexes : Migration
    {
        private static readonly string[] SortColumns =
            ["Subject", "Status", "HandlerName", "CustomerName", "ExpectedDate", "UpdatedAt", "LastMessageAt", "SlaDueAt"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var column in SortColumns)
            {
                migrationBuilder.Sql($"""
                    DROP INDEX "IX_Tickets_{column}";
                    CREATE INDEX "IX_Tickets_{column}" ON "Tickets" ("{column}", "Id");
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var column in SortColumns)
            {
                migrationBuilder.Sql($"""
                    DROP INDEX "IX_Tickets_{column}";
                    CREATE INDEX "IX_Tickets_{column}" ON "Tickets" ("{column}");
                    """);
            }
        }
    }
}
