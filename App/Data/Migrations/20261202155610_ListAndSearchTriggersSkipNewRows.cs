using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <summary>
    /// Two insert triggers skip work a new row does not need: the list names when the writer inserted them right, the
    /// search rebuild when a customer's new address has no tickets to reindex. They compute the same rows as before.
    /// </summary>
    public partial class ListAndSearchTriggersSkipNewRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS TicketList_TicketInserted;");
            migrationBuilder.Sql(TicketListSql.InsertTrigger);
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS TicketSearch_CustomerEmailAdded;");
            migrationBuilder.Sql(TicketSearchSql.CustomerEmailAddedTrigger);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the triggers write the same rows as the ones they replaced, and the earlier code inserts
            // no list names, so the list trigger always runs for it.
        }
    }
}
