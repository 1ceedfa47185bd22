using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class SlaRunningIndexCovers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaAtRiskAt_Running",
                table: "Tickets");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaRunning",
                table: "Tickets",
                columns: new[] { "SlaAtRiskAt", "SlaDueAt", "UpdatedAt", "Status", "HandlerId", "TenantId" },
                filter: "\"SlaAtRiskAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaRunning",
                table: "Tickets");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaAtRiskAt_Running",
                table: "Tickets",
                column: "SlaAtRiskAt",
                filter: "\"SlaAtRiskAt\" IS NOT NULL");
        }
    }
}
