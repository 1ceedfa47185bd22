using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class SeveralMailboxesPerTenant : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MailFolderStates_TenantId_Folder",
                table: "MailFolderStates");

            migrationBuilder.DropIndex(
                name: "IX_ImportedMails_TenantId_Folder_AfterImportApplied",
                table: "ImportedMails");

            migrationBuilder.DropIndex(
                name: "IX_ImportedMails_TenantId_Folder_UidValidity_Uid",
                table: "ImportedMails");

            migrationBuilder.AddColumn<int>(
                name: "MailboxId",
                table: "Tickets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MailboxId",
                table: "QuarantinedMails",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MailboxId",
                table: "MailFolderStates",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MailboxId",
                table: "ImportedMails",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "Mailboxes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    Encryption = table.Column<int>(type: "INTEGER", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    AuthMethod = table.Column<int>(type: "INTEGER", nullable: false),
                    ProtectedPassword = table.Column<string>(type: "TEXT", nullable: true),
                    Folders = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AfterImport = table.Column<int>(type: "INTEGER", nullable: false),
                    MoveToFolder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    MaxMessageBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ScheduleEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CronSchedule = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    PushEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DefaultHandlerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DefaultWatcherGroupId = table.Column<int>(type: "INTEGER", nullable: true),
                    SmtpHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    SmtpPort = table.Column<int>(type: "INTEGER", nullable: false),
                    SmtpEncryption = table.Column<int>(type: "INTEGER", nullable: false),
                    SmtpUserName = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    SmtpProtectedPassword = table.Column<string>(type: "TEXT", nullable: true),
                    OAuthProvider = table.Column<int>(type: "INTEGER", nullable: true),
                    OAuthAuthorizationEndpoint = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OAuthTokenEndpoint = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OAuthScopes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    OAuthClientId = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    OAuthProtectedClientSecret = table.Column<string>(type: "TEXT", nullable: true),
                    OAuthProtectedRefreshToken = table.Column<string>(type: "TEXT", nullable: true),
                    OAuthProtectedAccessToken = table.Column<string>(type: "TEXT", nullable: true),
                    OAuthAccessTokenExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OAuthError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastRunSeconds = table.Column<double>(type: "REAL", nullable: true),
                    LastRunSummary = table.Column<string>(type: "TEXT", nullable: true),
                    LastRunError = table.Column<string>(type: "TEXT", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailingSince = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OutageAlertedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PushConnectedSince = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OldestUnfetchedUid = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Mailboxes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Mailboxes_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The one mailbox a tenant had becomes a mailbox with the tenant's id, so its UID state and receipts carry over.
            migrationBuilder.Sql("INSERT INTO \"Mailboxes\" (\"Id\", \"TenantId\", \"Name\", \"Address\", \"Host\", \"Port\", \"Encryption\", \"UserName\", \"AuthMethod\", \"ProtectedPassword\", \"Folders\", \"AfterImport\", \"MoveToFolder\", \"MaxMessageBytes\", \"ScheduleEnabled\", \"CronSchedule\", \"PushEnabled\", \"SmtpPort\", \"SmtpEncryption\", \"LastRunAt\", \"LastRunSeconds\", \"LastRunSummary\", \"LastRunError\", \"LastSuccessAt\") SELECT \"TenantId\", \"TenantId\", '', CASE WHEN \"UserName\" LIKE '%@%' THEN \"UserName\" ELSE '' END, \"Host\", \"Port\", \"Encryption\", \"UserName\", 0, \"ProtectedPassword\", \"Folder\", \"AfterImport\", \"MoveToFolder\", \"MaxMessageBytes\", \"ScheduleEnabled\", \"CronSchedule\", \"PushEnabled\", 587, 2, \"LastRunAt\", \"LastRunSeconds\", \"LastRunSummary\", \"LastRunError\", CASE WHEN \"LastRunError\" IS NULL THEN \"LastRunAt\" END FROM \"MailboxSettings\";");
            migrationBuilder.Sql("UPDATE \"MailFolderStates\" SET \"MailboxId\" = \"TenantId\" WHERE \"TenantId\" IN (SELECT \"Id\" FROM \"Mailboxes\");");
            migrationBuilder.Sql("UPDATE \"ImportedMails\" SET \"MailboxId\" = \"TenantId\" WHERE \"TenantId\" IN (SELECT \"Id\" FROM \"Mailboxes\");");
            migrationBuilder.Sql("UPDATE \"QuarantinedMails\" SET \"MailboxId\" = \"TenantId\" WHERE \"TenantId\" IN (SELECT \"Id\" FROM \"Mailboxes\");");

            migrationBuilder.DropTable(
                name: "MailboxSettings");

            migrationBuilder.CreateIndex(
                name: "IX_MailFolderStates_TenantId_MailboxId_Folder",
                table: "MailFolderStates",
                columns: new[] { "TenantId", "MailboxId", "Folder" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_MailboxId_Folder_AfterImportApplied",
                table: "ImportedMails",
                columns: new[] { "MailboxId", "Folder", "AfterImportApplied" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_MailboxId_ImportedAt",
                table: "ImportedMails",
                columns: new[] { "MailboxId", "ImportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TenantId_MailboxId_Folder_UidValidity_Uid",
                table: "ImportedMails",
                columns: new[] { "TenantId", "MailboxId", "Folder", "UidValidity", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_TenantId",
                table: "Mailboxes",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Mailboxes");

            migrationBuilder.DropIndex(
                name: "IX_MailFolderStates_TenantId_MailboxId_Folder",
                table: "MailFolderStates");

            migrationBuilder.DropIndex(
                name: "IX_ImportedMails_MailboxId_Folder_AfterImportApplied",
                table: "ImportedMails");

            migrationBuilder.DropIndex(
                name: "IX_ImportedMails_MailboxId_ImportedAt",
                table: "ImportedMails");

            migrationBuilder.DropIndex(
                name: "IX_ImportedMails_TenantId_MailboxId_Folder_UidValidity_Uid",
                table: "ImportedMails");

            migrationBuilder.DropColumn(
                name: "MailboxId",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "MailboxId",
                table: "QuarantinedMails");

            migrationBuilder.DropColumn(
                name: "MailboxId",
                table: "MailFolderStates");

            migrationBuilder.DropColumn(
                name: "MailboxId",
                table: "ImportedMails");

            migrationBuilder.CreateTable(
                name: "MailboxSettings",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    AfterImport = table.Column<int>(type: "INTEGER", nullable: false),
                    CronSchedule = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Encryption = table.Column<int>(type: "INTEGER", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastRunError = table.Column<string>(type: "TEXT", nullable: true),
                    LastRunSeconds = table.Column<double>(type: "REAL", nullable: true),
                    LastRunSummary = table.Column<string>(type: "TEXT", nullable: true),
                    MaxMessageBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    MoveToFolder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    ProtectedPassword = table.Column<string>(type: "TEXT", nullable: true),
                    PushEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ScheduleEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "IX_MailFolderStates_TenantId_Folder",
                table: "MailFolderStates",
                columns: new[] { "TenantId", "Folder" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TenantId_Folder_AfterImportApplied",
                table: "ImportedMails",
                columns: new[] { "TenantId", "Folder", "AfterImportApplied" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_TenantId_Folder_UidValidity_Uid",
                table: "ImportedMails",
                columns: new[] { "TenantId", "Folder", "UidValidity", "Uid" },
                unique: true);
        }
    }
}
