using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class MailIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsAutomatic",
                table: "TicketMessages",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ImportedMails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    Uid = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageKey = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    TicketMessageId = table.Column<int>(type: "INTEGER", nullable: true),
                    QuarantinedMailId = table.Column<int>(type: "INTEGER", nullable: true),
                    ImportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AfterImportApplied = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportedMails", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImportedMails_TicketMessages_TicketMessageId",
                        column: x => x.TicketMessageId,
                        principalTable: "TicketMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "MailboxSettings",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    Encryption = table.Column<int>(type: "INTEGER", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    ProtectedPassword = table.Column<string>(type: "TEXT", nullable: true),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    AfterImport = table.Column<int>(type: "INTEGER", nullable: false),
                    MoveToFolder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    MaxMessageBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ScheduleEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CronSchedule = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    PushEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastRunSeconds = table.Column<double>(type: "REAL", nullable: true),
                    LastRunSummary = table.Column<string>(type: "TEXT", nullable: true),
                    LastRunError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailboxSettings", x => x.TenantId);
                    table.ForeignKey(
                        name: "FK_MailboxSettings_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MailFolderStates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    HighestUid = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailFolderStates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QuarantinedMails",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    Uid = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Raw = table.Column<byte[]>(type: "BLOB", nullable: false),
                    RawIsComplete = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuarantinedMails", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TenantId_Folder_AfterImportApplied",
                table: "ImportedMails",
                columns: new[] { "TenantId", "Folder", "AfterImportApplied" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TenantId_Folder_UidValidity_Uid",
                table: "ImportedMails",
                columns: new[] { "TenantId", "Folder", "UidValidity", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TenantId_MessageKey",
                table: "ImportedMails",
                columns: new[] { "TenantId", "MessageKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TicketMessageId",
                table: "ImportedMails",
                column: "TicketMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_MailFolderStates_TenantId_Folder",
                table: "MailFolderStates",
                columns: new[] { "TenantId", "Folder" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QuarantinedMails_TenantId_CreatedAt",
                table: "QuarantinedMails",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportedMails");

            migrationBuilder.DropTable(
                name: "MailboxSettings");

            migrationBuilder.DropTable(
                name: "MailFolderStates");

            migrationBuilder.DropTable(
                name: "QuarantinedMails");

            migrationBuilder.DropColumn(
                name: "IsAutomatic",
                table: "TicketMessages");
        }
    }
}
