using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class BusinessCalendars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BusinessCalendars",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeZoneId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessCalendars", x => x.TenantId);
                    table.ForeignKey(
                        name: "FK_BusinessCalendars_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "BusinessCalendarHolidays",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessCalendarHolidays", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BusinessCalendarHolidays_BusinessCalendars_TenantId",
                        column: x => x.TenantId,
                        principalTable: "BusinessCalendars",
                        principalColumn: "TenantId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "BusinessCalendarPeriods",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    OpensMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    ClosesMinute = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessCalendarPeriods", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BusinessCalendarPeriods_BusinessCalendars_TenantId",
                        column: x => x.TenantId,
                        principalTable: "BusinessCalendars",
                        principalColumn: "TenantId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BusinessCalendarHolidays_TenantId_Date",
                table: "BusinessCalendarHolidays",
                columns: new[] { "TenantId", "Date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BusinessCalendarPeriods_TenantId",
                table: "BusinessCalendarPeriods",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BusinessCalendarHolidays");

            migrationBuilder.DropTable(
                name: "BusinessCalendarPeriods");

            migrationBuilder.DropTable(
                name: "BusinessCalendars");
        }
    }
}
