using BlazorTickets.Features.Mail;

namespace BlazorTickets.Tests.Infrastructure;

public static class DovecotMailboxSettings
{
    /// <summary>Points a tenant's mailbox at a test Dovecot user through the real settings service.</summary>
    public static async Task PointAtAsync(
        this MailboxSettingsService settings, int tenantId, DovecotServer dovecot, string user, Action<MailboxSettingsInput>? change = null)
    {
        var input = await settings.GetAsync(tenantId);
        input.Host = dovecot.Host;
        input.Port = dovecot.Port;
        input.Encryption = MailEncryption.None;
        input.UserName = user;
        input.NewPassword = DovecotServer.PasswordOf(user);
        change?.Invoke(input);
        var errors = await settings.SaveAsync(tenantId, input);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The test mailbox settings were refused: " + errors);
        }
    }
}
