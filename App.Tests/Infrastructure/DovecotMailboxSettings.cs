using BlazorTickets.Features.Mail;

namespace BlazorTickets.Tests.Infrastructure;

public static class DovecotMailboxSettings
{
    /// <summary>
    /// Points the tenant's mailbox of the Dovecot user <paramref name="user"/> at the test server through the real
    /// service, adding it when the tenant has none for that user yet; returns the mailbox's id.
    /// </summary>
    public static async Task<int> PointAtAsync(
        this MailboxService mailboxes, int tenantId, DovecotServer dovecot, string user, Action<MailboxInput>? change = null)
    {
        var existing = (await mailboxes.ListOfTenantAsync(tenantId)).FirstOrDefault(m => m.Settings.UserName == user);
        var input = existing is null ? new MailboxInput { Name = user } : (await mailboxes.GetAsync(existing.MailboxId))!;
        input.Host = dovecot.Host;
        input.Port = dovecot.Port;
        input.Encryption = MailEncryption.None;
        input.UserName = user;
        input.NewPassword = DovecotServer.PasswordOf(user);
        change?.Invoke(input);
        var (errors, id) = existing is null
            ? await mailboxes.CreateAsync(tenantId, input)
            : (await mailboxes.SaveAsync(existing.MailboxId, input), existing.MailboxId);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The test mailbox settings were refused: " + errors);
        }
        return id!.Value;
    }
}
