using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Features.Replies;

/// <summary>The SMTP form's values. <see cref="NewPassword"/> empty keeps the stored password.</summary>
public sealed class SmtpSettingsInput
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public MailEncryption Encryption { get; set; } = MailEncryption.StartTls;
    public string UserName { get; set; } = "";
    public string? NewPassword { get; set; }
    public string SenderAddress { get; set; } = "";
    public string SenderName { get; set; } = "";
    public bool CopyToSentFolder { get; set; }
    public string SentFolder { get; set; } = SmtpSettings.DefaultSentFolder;

    /// <summary>Shown instead of the password, which never goes back to the browser.</summary>
    public bool HasStoredPassword { get; set; }
}

public sealed class SmtpSettingsService(IDbContextFactory<AppDbContext> dbFactory, SmtpConnector connector)
{
    public async Task<SmtpSettingsInput> GetAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Set<Tenant>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == tenantId, ct);
        var settings = await db.Set<SmtpSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct) ?? new SmtpSettings();
        return new SmtpSettingsInput
        {
            Host = settings.Host,
            Port = settings.Port,
            Encryption = settings.Encryption,
            UserName = settings.UserName,
            SenderAddress = tenant?.SenderAddress ?? "",
            SenderName = tenant?.SenderName ?? "",
            CopyToSentFolder = settings.CopyToSentFolder,
            SentFolder = settings.SentFolder,
            HasStoredPassword = settings.ProtectedPassword is not null,
        };
    }

    public async Task<bool> IsConfiguredAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<SmtpSettings>().AnyAsync(s => s.TenantId == tenantId && s.Host != "", ct);
    }

    public static FieldErrors Validate(SmtpSettingsInput input)
    {
        var errors = new FieldErrors();
        MailServerSettings.ValidateServer(errors, input.Host, input.Port, input.Encryption, "Enter the SMTP server's host name.");
        if (!ReplyAddresses.IsValidSingle(input.SenderAddress))
        {
            errors.Add(nameof(input.SenderAddress), "Enter a valid sender address, e.g. support@example.com.");
        }
        if (input.CopyToSentFolder && string.IsNullOrWhiteSpace(input.SentFolder))
        {
            errors.Add(nameof(input.SentFolder), "Enter the IMAP folder for sent mail, usually Sent.");
        }
        return errors;
    }

    public async Task<FieldErrors> SaveAsync(int tenantId, SmtpSettingsInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Set<Tenant>().SingleOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            errors.Add("Tenant", "This tenant does not exist.");
        }
        var settings = await db.Set<SmtpSettings>().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (!string.IsNullOrWhiteSpace(input.UserName) && string.IsNullOrEmpty(input.NewPassword) && settings?.ProtectedPassword is null)
        {
            errors.Add(nameof(input.NewPassword), "Enter the password of the SMTP user.");
        }
        if (input.CopyToSentFolder && !await db.Set<Mailbox>().AnyAsync(s => s.TenantId == tenantId && s.Host != "", ct))
        {
            errors.Add(nameof(input.CopyToSentFolder), "A copy in the Sent folder needs the tenant's IMAP mailbox; set it up first.");
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        if (settings is null)
        {
            settings = new SmtpSettings { TenantId = tenantId };
            db.Add(settings);
        }
        settings.Host = input.Host.Trim();
        settings.Port = input.Port;
        settings.Encryption = input.Encryption;
        settings.UserName = input.UserName.Trim();
        if (settings.UserName.Length == 0)
        {
            settings.ProtectedPassword = null;
        }
        else if (!string.IsNullOrEmpty(input.NewPassword))
        {
            settings.ProtectedPassword = connector.Protect(input.NewPassword);
        }
        settings.CopyToSentFolder = input.CopyToSentFolder;
        settings.SentFolder = string.IsNullOrWhiteSpace(input.SentFolder) ? SmtpSettings.DefaultSentFolder : input.SentFolder.Trim();
        tenant!.SenderAddress = input.SenderAddress.Trim();
        tenant.SenderName = input.SenderName.Trim();
        await db.SaveChangesAsync(ct);
        return errors;
    }

    /// <summary>Tests the form's values; a blank password field tests the stored password.</summary>
    public async Task<(bool Ok, string Message)> TestConnectionAsync(int tenantId, SmtpSettingsInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        errors.Remove(nameof(input.SenderAddress));
        errors.Remove(nameof(input.SentFolder));
        if (errors.Count > 0)
        {
            return (false, string.Join(" ", errors.All));
        }
        var password = input.NewPassword ?? "";
        if (!string.IsNullOrWhiteSpace(input.UserName) && password.Length == 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var stored = await db.Set<SmtpSettings>().Where(s => s.TenantId == tenantId).Select(s => s.ProtectedPassword).SingleOrDefaultAsync(ct);
            if (stored is null)
            {
                return (false, "Enter the password of the SMTP user.");
            }
            password = connector.EndpointOf(new SmtpSettings { ProtectedPassword = stored }).Password;
        }
        try
        {
            var endpoint = new SmtpEndpoint(input.Host.Trim(), input.Port, input.Encryption, input.UserName.Trim(), password);
            return (true, await connector.TestAsync(endpoint, ct));
        }
        catch (SmtpDeliveryException ex)
        {
            return (false, ex.Message);
        }
    }
}

/// <summary>Recipient lists as agents type them: addresses separated by commas or semicolons.</summary>
public static class ReplyAddresses
{
    public static IReadOnlyList<string> Split(string? list) =>
        (list ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    public static bool IsValidSingle(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || !MailboxAddress.TryParse(address.Trim(), out var parsed))
        {
            return false;
        }
        var at = parsed.Address.IndexOf('@');
        return at > 0 && at < parsed.Address.Length - 1 && !parsed.Address.Contains(' ') && parsed.Address.IndexOf('.', at) > at + 1;
    }

    /// <summary>The entries that are not valid addresses; an empty list is fine here, the caller decides if one is needed.</summary>
    public static IReadOnlyList<string> Invalid(string? list) => Split(list).Where(a => !IsValidSingle(a)).ToList();
}
