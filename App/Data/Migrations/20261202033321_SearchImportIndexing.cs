using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <summary>
    /// The search index's insert triggers stand aside for a writer that indexes its own inserts (the mail import),
    /// and a ticket's customers are looked up by key instead of a scan of every customer.
    /// </summary>
    public partial class SearchImportIndexing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(TicketSearchSql.DropTriggers + TicketSearchSql.CreateTriggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier triggers indexed the same documents; today's definitions serve the older schema as well.
            migrationBuilder.Sql(TicketSearchSql.DropTriggers + TicketSearchSql.CreateTriggers);
        }
    }
}
