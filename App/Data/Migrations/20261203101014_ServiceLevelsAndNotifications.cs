using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class ServiceLevelsAndNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SlaAtRiskAt",
                table: "Tickets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlaDueAt",
                table: "Tickets",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified).AddTicks(9999));

            migrationBuilder.CreateTable(
                name: "SlaPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: true),
                    FirstResponseMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    NextResponseMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    ResolutionMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    AtRiskPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    PauseStatuses = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaPolicies_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SlaPolicies_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SlaProgress",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    LastHistoryId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaProgress", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SlaTenantRecomputes",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    AfterTicketId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaTenantRecomputes", x => x.TenantId);
                });

            migrationBuilder.CreateTable(
                name: "TicketSlaStages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TicketId = table.Column<int>(type: "INTEGER", nullable: false),
                    Target = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TargetMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AtRiskAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AtRiskToldAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    BreachToldAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketSlaStages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TicketSlaStages_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UserNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Arguments = table.Column<string>(type: "TEXT", nullable: false),
                    Link = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UserNotifications_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaAtRiskAt_Running",
                table: "Tickets",
                column: "SlaAtRiskAt",
                filter: "\"SlaAtRiskAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaDueAt",
                table: "Tickets",
                column: "SlaDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicies_CustomerId",
                table: "SlaPolicies",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicies_TenantDefault",
                table: "SlaPolicies",
                column: "TenantId",
                unique: true,
                filter: "\"CustomerId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicies_TenantId_CustomerId",
                table: "SlaPolicies",
                columns: new[] { "TenantId", "CustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketSlaStages_AtRisk_Untold",
                table: "TicketSlaStages",
                column: "AtRiskAt",
                filter: "\"CompletedAt\" IS NULL AND \"AtRiskToldAt\" IS NULL AND \"AtRiskAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TicketSlaStages_Due_Untold",
                table: "TicketSlaStages",
                column: "DueAt",
                filter: "\"CompletedAt\" IS NULL AND \"BreachToldAt\" IS NULL AND \"DueAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TicketSlaStages_StartedAt",
                table: "TicketSlaStages",
                column: "StartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_TicketSlaStages_TicketId_Target_StartedAt",
                table: "TicketSlaStages",
                columns: new[] { "TicketId", "Target", "StartedAt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UserNotifications_UserId_Id",
                table: "UserNotifications",
                columns: new[] { "UserId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_UserNotifications_UserId_ReadAt",
                table: "UserNotifications",
                columns: new[] { "UserId", "ReadAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SlaPolicies");

            migrationBuilder.DropTable(
                name: "SlaProgress");

            migrationBuilder.DropTable(
                name: "SlaTenantRecomputes");

            migrationBuilder.DropTable(
                name: "TicketSlaStages");

            migrationBuilder.DropTable(
                name: "UserNotifications");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaAtRiskAt_Running",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaDueAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaAtRiskAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SlaDueAt",
                table: "Tickets");
        }
    }
}
