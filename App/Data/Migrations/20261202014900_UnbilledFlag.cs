using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnbilledFlag : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "HasUnbilledTime",
                table: "Tickets",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Unbilled_UpdatedAt",
                table: "Tickets",
                column: "UpdatedAt",
                filter: "\"HasUnbilledTime\" AND \"TimeTrackingAllowed\"");

            migrationBuilder.Sql(TicketUnbilledSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(TicketUnbilledSql.DropTriggers);

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Unbilled_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "HasUnbilledTime",
                table: "Tickets");
        }
    }
}
