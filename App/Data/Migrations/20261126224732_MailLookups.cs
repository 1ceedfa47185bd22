using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class MailLookups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Address",
                table: "CustomerEmails",
                type: "TEXT",
                maxLength: 320,
                nullable: false,
                collation: "NOCASE",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 320);

            migrationBuilder.CreateIndex(
                name: "IX_ImportedMails_QuarantinedMailId",
                table: "ImportedMails",
                column: "QuarantinedMailId");

            migrationBuilder.AddForeignKey(
                name: "FK_ImportedMails_QuarantinedMails_QuarantinedMailId",
                table: "ImportedMails",
                column: "QuarantinedMailId",
                principalTable: "QuarantinedMails",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ImportedMails_QuarantinedMails_QuarantinedMailId",
                table: "ImportedMails");

            migrationBuilder.DropIndex(
                name: "IX_ImportedMails_QuarantinedMailId",
                table: "ImportedMails");

            migrationBuilder.AlterColumn<string>(
                name: "Address",
                table: "CustomerEmails",
                type: "TEXT",
                maxLength: 320,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 320,
                oldCollation: "NOCASE");
        }
    }
}
