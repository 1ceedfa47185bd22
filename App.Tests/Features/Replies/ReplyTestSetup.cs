using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Replies;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Replies;

internal static class ReplyTestSetup
{
    public const string SenderAddress = "support@contoso.example";

    /// <summary>Points a tenant's SMTP settings at a test server through the real settings service.</summary>
    public static async Task PointAtAsync(this SmtpSettingsService settings, int tenantId, TestSmtpServer smtp, Action<SmtpSettingsInput>? change = null)
    {
        var input = await settings.GetAsync(tenantId);
        input.Host = smtp.Host;
        input.Port = smtp.Port;
        input.Encryption = MailEncryption.None;
        input.UserName = "";
        input.SenderAddress = SenderAddress;
        input.SenderName = "Contoso Support";
        change?.Invoke(input);
        var errors = await settings.SaveAsync(tenantId, input);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The test SMTP settings were refused: " + errors);
        }
    }
}
