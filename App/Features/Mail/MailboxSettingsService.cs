using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace BlazorTickets.Features.Mail;

/// <summary>The mailbox form's values. <see cref="NewPassword"/> empty keeps the stored password.</summary>
public sealed class MailboxSettingsInput
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 993;
    public MailEncryption Encryption { get; set; } = MailEncryption.SslTls;
    public string UserName { get; set; } = "";
    public string? NewPassword { get; set; }
    public string Folder { get; set; } = "INBOX";
    public AfterImportAction AfterImport { get; set; } = AfterImportAction.KeepAndFlagSeen;
    public string? MoveToFolder { get; set; }
    public int MaxMessageMegabytes { get; set; } = 25;
    public bool ScheduleEnabled { get; set; } = true;
    public string CronSchedule { get; set; } = MailboxSettings.DefaultCron;
    public bool PushEnabled { get; set; } = true;

    /// <summary>Shown instead of the password, which never goes back to the browser.</summary>
    public bool HasStoredPassword { get; set; }
}

public sealed record MailboxSettingsChanged(int TenantId);

public sealed class MailboxSettingsService(IDbContextFactory<AppDbContext> dbFactory, MailboxConnector connector)
{
    /// <summary>Raised after a save so the scheduler and the IDLE worker pick up the change.</summary>
    public event Action<MailboxSettingsChanged>? Changed;

    public async Task<MailboxSettingsInput> GetAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.Set<MailboxSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct) ?? new MailboxSettings();
        return new MailboxSettingsInput
        {
            Host = settings.Host,
            Port = settings.Port,
            Encryption = settings.Encryption,
            UserName = settings.UserName,
            Folder = settings.Folder,
            AfterImport = settings.AfterImport,
            MoveToFolder = settings.MoveToFolder,
            MaxMessageMegabytes = (int)Math.Max(1, settings.MaxMessageBytes / 1048576),
            ScheduleEnabled = settings.ScheduleEnabled,
            CronSchedule = settings.CronSchedule,
            PushEnabled = settings.PushEnabled,
            HasStoredPassword = settings.ProtectedPassword is not null,
        };
    }

    public sealed record ConfiguredMailbox(int TenantId, string TenantName, MailboxSettings Settings);

    public async Task<IReadOnlyList<ConfiguredMailbox>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.Set<MailboxSettings>().AsNoTracking().Include(s => s.Tenant).Where(s => s.Host != "").ToListAsync(ct);
        return settings.OrderBy(s => s.Tenant.Name).Select(s => new ConfiguredMailbox(s.TenantId, s.Tenant.Name, s)).ToList();
    }

    /// <summary>Changes only the schedule, from the jobs page; no errors means it was saved.</summary>
    public async Task<FieldErrors> SaveScheduleAsync(int tenantId, string cron, bool enabled, CancellationToken ct = default)
    {
        if (!IsValidCron(cron))
        {
            return FieldErrors.Of(nameof(MailboxSettingsInput.CronSchedule), Text.Of("This is not a valid Quartz cron expression, e.g. 0 0/2 * * * ? for every 2 minutes."));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.Set<MailboxSettings>().Where(s => s.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CronSchedule, cron.Trim()).SetProperty(x => x.ScheduleEnabled, enabled), ct);
        if (updated == 0)
        {
            return FieldErrors.OfForm(Text.Of("This tenant has no mailbox configured."));
        }
        Changed?.Invoke(new MailboxSettingsChanged(tenantId));
        return FieldErrors.None;
    }

    public static FieldErrors Validate(MailboxSettingsInput input)
    {
        var errors = new FieldErrors();
        MailServerSettings.ValidateServer(errors, input.Host, input.Port, input.Encryption, Text.Of("Enter the IMAP server's host name."));
        if (string.IsNullOrWhiteSpace(input.UserName))
        {
            errors.Add(nameof(input.UserName), Text.Of("Enter the user name of the mailbox."));
        }
        if (string.IsNullOrWhiteSpace(input.Folder))
        {
            errors.Add(nameof(input.Folder), Text.Of("Enter the folder to fetch, usually INBOX."));
        }
        if (input.AfterImport == AfterImportAction.MoveToFolder && string.IsNullOrWhiteSpace(input.MoveToFolder))
        {
            errors.Add(nameof(input.MoveToFolder), Text.Of("Enter the folder imported mail is moved to."));
        }
        if (input.AfterImport == AfterImportAction.MoveToFolder && string.Equals(input.MoveToFolder?.Trim(), input.Folder.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            errors.AddIfFirst(nameof(input.MoveToFolder), Text.Of("Imported mail cannot be moved into the folder it is fetched from."));
        }
        if (input.MaxMessageMegabytes is < 1 or > 500)
        {
            errors.Add(nameof(input.MaxMessageMegabytes), Text.Of("The size limit must be between 1 and 500 MB."));
        }
        if (!IsValidCron(input.CronSchedule))
        {
            errors.Add(nameof(input.CronSchedule), Text.Of("This is not a valid Quartz cron expression, e.g. 0 0/2 * * * ? for every 2 minutes."));
        }
        return errors;
    }

    public static bool IsValidCron(string? expression)
    {
        try
        {
            _ = new CronExpression(expression ?? "");
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public async Task<FieldErrors> SaveAsync(int tenantId, MailboxSettingsInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
        {
            errors.Add("Tenant", "This tenant does not exist.");
        }
        var settings = await db.Set<MailboxSettings>().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (string.IsNullOrEmpty(input.NewPassword) && settings?.ProtectedPassword is null)
        {
            errors.Add(nameof(input.NewPassword), Text.Of("Enter the mailbox password."));
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        if (settings is null)
        {
            settings = new MailboxSettings { TenantId = tenantId };
            db.Set<MailboxSettings>().Add(settings);
        }
        settings.Host = input.Host.Trim();
        settings.Port = input.Port;
        settings.Encryption = input.Encryption;
        settings.UserName = input.UserName.Trim();
        if (!string.IsNullOrEmpty(input.NewPassword))
        {
            settings.ProtectedPassword = connector.Protect(input.NewPassword);
        }
        settings.Folder = input.Folder.Trim();
        settings.AfterImport = input.AfterImport;
        settings.MoveToFolder = input.AfterImport == AfterImportAction.MoveToFolder ? input.MoveToFolder?.Trim() : null;
        settings.MaxMessageBytes = input.MaxMessageMegabytes * 1048576L;
        settings.ScheduleEnabled = input.ScheduleEnabled;
        settings.CronSchedule = input.CronSchedule.Trim();
        settings.PushEnabled = input.PushEnabled;
        await db.SaveChangesAsync(ct);
        Changed?.Invoke(new MailboxSettingsChanged(tenantId));
        return errors;
    }

    /// <summary>Tests the form's values; a blank password field tests the stored password.</summary>
    public async Task<(bool Ok, string Message)> TestConnectionAsync(int tenantId, MailboxSettingsInput input, CancellationToken ct = default)
    {
        var errors = Validate(input);
        errors.Remove(nameof(input.CronSchedule));
        errors.Remove(nameof(input.MoveToFolder));
        if (errors.Count > 0)
        {
            return (false, string.Join(" ", errors.All));
        }
        var password = input.NewPassword;
        if (string.IsNullOrEmpty(password))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var stored = await db.Set<MailboxSettings>().Where(s => s.TenantId == tenantId).Select(s => s.ProtectedPassword).SingleOrDefaultAsync(ct);
            if (stored is null)
            {
                return (false, Text.Of("Enter the mailbox password."));
            }
            password = connector.Unprotect(stored);
        }
        try
        {
            var endpoint = new MailboxEndpoint(input.Host.Trim(), input.Port, input.Encryption, input.UserName.Trim(), password, input.Folder.Trim());
            return (true, await connector.TestAsync(endpoint, ct));
        }
        catch (MailboxConnectionException ex)
        {
            return (false, ex.Message);
        }
    }
}
