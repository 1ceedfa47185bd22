using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeskAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_CustomerId",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_HandlerId_Status",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_TenantId_Status",
                table: "Tickets");

            migrationBuilder.AddColumn<string>(
                name: "CustomerName",
                table: "Tickets",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HandlerName",
                table: "Tickets",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntries_Unbilled",
                table: "TimeEntries",
                columns: new[] { "QuoteLineId", "TicketId" },
                filter: "\"Billable\" AND \"QuoteLineId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_CustomerId_UpdatedAt",
                table: "Tickets",
                columns: new[] { "CustomerId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_CustomerName",
                table: "Tickets",
                column: "CustomerName");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_ExpectedDate_NotClosed",
                table: "Tickets",
                columns: new[] { "ExpectedDate", "UpdatedAt" },
                filter: "\"ExpectedDate\" IS NOT NULL AND \"Status\" <> 5");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_HandlerId_Status_UpdatedAt",
                table: "Tickets",
                columns: new[] { "HandlerId", "Status", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_HandlerId_UpdatedAt",
                table: "Tickets",
                columns: new[] { "HandlerId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_HandlerName",
                table: "Tickets",
                column: "HandlerName");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Status_UpdatedAt",
                table: "Tickets",
                columns: new[] { "Status", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_Subject",
                table: "Tickets",
                column: "Subject");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_TenantId_Status_UpdatedAt",
                table: "Tickets",
                columns: new[] { "TenantId", "Status", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_TenantId_UpdatedAt",
                table: "Tickets",
                columns: new[] { "TenantId", "UpdatedAt" });

            migrationBuilder.Sql(TicketListSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(TicketListSql.Drop);

            migrationBuilder.DropIndex(
                name: "IX_TimeEntries_Unbilled",
                table: "TimeEntries");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_CustomerId_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_CustomerName",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_ExpectedDate_NotClosed",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_HandlerId_Status_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_HandlerId_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_HandlerName",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Status_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_Subject",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_TenantId_Status_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_TenantId_UpdatedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "CustomerName",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "HandlerName",
                table: "Tickets");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_CustomerId",
                table: "Tickets",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_HandlerId_Status",
                table: "Tickets",
                columns: new[] { "HandlerId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_TenantId_Status",
                table: "Tickets",
                columns: new[] { "TenantId", "Status" });
        }
    }
}
