using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorTickets.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportedMailQuarantineLink : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }
    }
}
