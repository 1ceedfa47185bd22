using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Quartz;

namespace BlazorTickets.Features.Mail;

/// <summary>The mailbox form's values. Empty secret fields keep what is stored.</summary>
public sealed class MailboxInput
{
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 993;
    public MailEncryption Encryption { get; set; } = MailEncryption.SslTls;
    public string UserName { get; set; } = "";
    public MailAuthMethod AuthMethod { get; set; } = MailAuthMethod.Password;
    public string? NewPassword { get; set; }
    /// <summary>One folder per line; IMAP IDLE watches the first.</summary>
    public string Folders { get; set; } = "INBOX";
    public AfterImportAction AfterImport { get; set; } = AfterImportAction.KeepAndFlagSeen;
    public string? MoveToFolder { get; set; }
    public int MaxMessageMegabytes { get; set; } = 25;
    public bool ScheduleEnabled { get; set; } = true;
    public string CronSchedule { get; set; } = Mailbox.DefaultCron;
    public bool PushEnabled { get; set; } = true;
    public string? DefaultHandlerId { get; set; }
    public int? DefaultWatcherGroupId { get; set; }

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public MailEncryption SmtpEncryption { get; set; } = MailEncryption.StartTls;
    public string? SmtpUserName { get; set; }
    public string? NewSmtpPassword { get; set; }

    public OAuthProviderKind? OAuthProvider { get; set; }
    public string? OAuthAuthorizationEndpoint { get; set; }
    public string? OAuthTokenEndpoint { get; set; }
    public string? OAuthScopes { get; set; }
    public string? OAuthClientId { get; set; }
    public string? NewOAuthClientSecret { get; set; }

    /// <summary>Shown instead of the secrets, which never go back to the browser.</summary>
    public bool HasStoredPassword { get; set; }
    public bool HasStoredSmtpPassword { get; set; }
    public bool HasStoredOAuthClientSecret { get; set; }
    public bool OAuthConnected { get; set; }
    public string? OAuthError { get; set; }
}

public sealed record MailboxChanged(int MailboxId, int TenantId);

/// <summary>Creates, changes and removes the mailboxes of the tenants.</summary>
public sealed class MailboxService
{
    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly MailboxConnector connector;
    private readonly MailOAuthTokens oauthTokens;

    public MailboxService(IDbContextFactory<AppDbContext> dbFactory, MailboxConnector connector, MailOAuthTokens oauthTokens)
    {
        this.dbFactory = dbFactory;
        this.connector = connector;
        this.oauthTokens = oauthTokens;
        // A connect or a refused refresh changes the sign-in: pages redraw, IDLE and the schedule start again.
        oauthTokens.Changed += change => Changed?.Invoke(change);
    }

    /// <summary>Raised after a save or removal (or an OAuth2 connect or lost sign-in) so the scheduler and the IDLE worker pick up the change.</summary>
    public event Action<MailboxChanged>? Changed;

    public sealed record ConfiguredMailbox(int TenantId, string TenantName, Mailbox Settings)
    {
        public int MailboxId => Settings.Id;
        public string Name => Settings.ToString();
    }

    /// <summary>Every configured mailbox of every tenant, by tenant and name.</summary>
    public async Task<IReadOnlyList<ConfiguredMailbox>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailboxes = await db.Set<Mailbox>().AsNoTracking().Include(m => m.Tenant).Where(m => m.Host != "").ToListAsync(ct);
        return Ordered(mailboxes);
    }

    public async Task<ConfiguredMailbox?> FindAsync(int mailboxId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailbox = await db.Set<Mailbox>().AsNoTracking().Include(m => m.Tenant).SingleOrDefaultAsync(m => m.Id == mailboxId, ct);
        return mailbox is null ? null : new ConfiguredMailbox(mailbox.TenantId, mailbox.Tenant.Name, mailbox);
    }

    public async Task<IReadOnlyList<ConfiguredMailbox>> ListOfTenantAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return Ordered(await db.Set<Mailbox>().AsNoTracking().Include(m => m.Tenant).Where(m => m.TenantId == tenantId).ToListAsync(ct));
    }

    private static List<ConfiguredMailbox> Ordered(IEnumerable<Mailbox> mailboxes) =>
        mailboxes.OrderBy(m => m.Tenant.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.ToString(), StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.Id)
            .Select(m => new ConfiguredMailbox(m.TenantId, m.Tenant.Name, m)).ToList();

    /// <summary>The stored mailbox as form values; null when it does not exist.</summary>
    public async Task<MailboxInput?> GetAsync(int mailboxId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailbox = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, ct);
        return mailbox is null ? null : InputOf(mailbox);
    }

    public async Task<int?> TenantOfAsync(int mailboxId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Mailbox>().Where(m => m.Id == mailboxId).Select(m => (int?)m.TenantId).SingleOrDefaultAsync(ct);
    }

    private static MailboxInput InputOf(Mailbox mailbox) => new()
    {
        Name = mailbox.Name,
        Address = mailbox.Address,
        Host = mailbox.Host,
        Port = mailbox.Port,
        Encryption = mailbox.Encryption,
        UserName = mailbox.UserName,
        AuthMethod = mailbox.AuthMethod,
        Folders = string.Join("\n", mailbox.FolderList),
        AfterImport = mailbox.AfterImport,
        MoveToFolder = mailbox.MoveToFolder,
        MaxMessageMegabytes = (int)Math.Max(1, mailbox.MaxMessageBytes / 1048576),
        ScheduleEnabled = mailbox.ScheduleEnabled,
        CronSchedule = mailbox.CronSchedule,
        PushEnabled = mailbox.PushEnabled,
        DefaultHandlerId = mailbox.DefaultHandlerId,
        DefaultWatcherGroupId = mailbox.DefaultWatcherGroupId,
        SmtpHost = mailbox.SmtpHost,
        SmtpPort = mailbox.SmtpPort,
        SmtpEncryption = mailbox.SmtpEncryption,
        SmtpUserName = mailbox.SmtpUserName,
        OAuthProvider = mailbox.OAuthProvider,
        OAuthAuthorizationEndpoint = mailbox.OAuthAuthorizationEndpoint,
        OAuthTokenEndpoint = mailbox.OAuthTokenEndpoint,
        OAuthScopes = mailbox.OAuthScopes,
        OAuthClientId = mailbox.OAuthClientId,
        HasStoredPassword = mailbox.ProtectedPassword is not null,
        HasStoredSmtpPassword = mailbox.SmtpProtectedPassword is not null,
        HasStoredOAuthClientSecret = mailbox.OAuthProtectedClientSecret is not null,
        OAuthConnected = mailbox.OAuthProtectedRefreshToken is not null && mailbox.OAuthError is null,
        OAuthError = mailbox.OAuthError,
    };

    /// <summary>Changes only the schedule, from the jobs page; no errors means it was saved.</summary>
    public async Task<FieldErrors> SaveScheduleAsync(int mailboxId, string cron, bool enabled, CancellationToken ct = default)
    {
        if (!IsValidCron(cron))
        {
            return FieldErrors.Of(nameof(MailboxInput.CronSchedule), Text.Of("This is not a valid Quartz cron expression, e.g. 0 0/2 * * * ? for every 2 minutes."));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Set<Mailbox>().Where(m => m.Id == mailboxId).Select(m => (int?)m.TenantId).SingleOrDefaultAsync(ct);
        var updated = await db.Set<Mailbox>().Where(m => m.Id == mailboxId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CronSchedule, cron.Trim()).SetProperty(x => x.ScheduleEnabled, enabled), ct);
        if (updated == 0 || tenantId is null)
        {
            return FieldErrors.OfForm(Text.Of("This mailbox no longer exists."));
        }
        Changed?.Invoke(new MailboxChanged(mailboxId, tenantId.Value));
        return FieldErrors.None;
    }

    /// <summary>What can be checked without the database.</summary>
    public static FieldErrors Validate(MailboxInput input, MailOAuthOptions? installation = null)
    {
        var errors = new FieldErrors();
        if (input.Name.Trim().Length > 200)
        {
            errors.Add(nameof(input.Name), Text.Of("The name can have at most 200 characters."));
        }
        if (!string.IsNullOrWhiteSpace(input.Address) && !IsMailAddress(input.Address.Trim()))
        {
            errors.Add(nameof(input.Address), Text.Of("This is not an e-mail address."));
        }
        MailServerSettings.ValidateServer(errors, input.Host, input.Port, input.Encryption, Text.Of("Enter the IMAP server's host name."));
        if (string.IsNullOrWhiteSpace(input.UserName))
        {
            errors.Add(nameof(input.UserName), Text.Of("Enter the user name of the mailbox."));
        }
        var folders = Mailbox.SplitFolders(input.Folders);
        if (folders.Count == 0)
        {
            errors.Add(nameof(input.Folders), Text.Of("Enter the folder to fetch, usually INBOX."));
        }
        else if (folders.Count > 20 || folders.Any(f => f.Length > 255))
        {
            errors.Add(nameof(input.Folders), Text.Of("Enter at most 20 folders of at most 255 characters each."));
        }
        if (input.AfterImport == AfterImportAction.MoveToFolder && string.IsNullOrWhiteSpace(input.MoveToFolder))
        {
            errors.Add(nameof(input.MoveToFolder), Text.Of("Enter the folder imported mail is moved to."));
        }
        if (input.AfterImport == AfterImportAction.MoveToFolder && folders.Contains(input.MoveToFolder?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
        {
            errors.AddIfFirst(nameof(input.MoveToFolder), Text.Of("Imported mail cannot be moved into a folder it is fetched from."));
        }
        if (input.MaxMessageMegabytes is < 1 or > 500)
        {
            errors.Add(nameof(input.MaxMessageMegabytes), Text.Of("The size limit must be between 1 and 500 MB."));
        }
        if (!IsValidCron(input.CronSchedule))
        {
            errors.Add(nameof(input.CronSchedule), Text.Of("This is not a valid Quartz cron expression, e.g. 0 0/2 * * * ? for every 2 minutes."));
        }
        if (!string.IsNullOrWhiteSpace(input.SmtpHost))
        {
            var smtpErrors = new FieldErrors();
            MailServerSettings.ValidateServer(smtpErrors, input.SmtpHost, input.SmtpPort, input.SmtpEncryption, Text.Of("Enter the SMTP server's host name."));
            foreach (var (field, messages) in smtpErrors)
            {
                foreach (var message in messages)
                {
                    errors.Add("Smtp" + field, message);
                }
            }
        }
        if (input.AuthMethod == MailAuthMethod.OAuth2)
        {
            ValidateOAuth(errors, input, installation ?? new MailOAuthOptions());
        }
        return errors;
    }

    private static void ValidateOAuth(FieldErrors errors, MailboxInput input, MailOAuthOptions installation)
    {
        if (input.OAuthProvider is not OAuthProviderKind provider)
        {
            errors.Add(nameof(input.OAuthProvider), Text.Of("Choose the OAuth2 provider."));
            return;
        }
        if (!MailOAuthClient.IsAvailable(provider, installation))
        {
            errors.Add(nameof(input.OAuthProvider), provider == OAuthProviderKind.Microsoft365
                ? Text.Of("This installation has no client id for Microsoft 365 (setting BlazorTickets:Mail:OAuth:Microsoft365:ClientId). Ask the operator to register the app, or choose another provider.")
                : Text.Of("This installation has no client id for Google (setting BlazorTickets:Mail:OAuth:Google:ClientId). Ask the operator to register the app, or choose another provider."));
            return;
        }
        if (input.OAuthProvider != OAuthProviderKind.Other)
        {
            return;
        }
        if (!IsEndpoint(input.OAuthAuthorizationEndpoint))
        {
            errors.Add(nameof(input.OAuthAuthorizationEndpoint), Text.Of("Enter the provider's authorization endpoint, an https:// address."));
        }
        if (!IsEndpoint(input.OAuthTokenEndpoint))
        {
            errors.Add(nameof(input.OAuthTokenEndpoint), Text.Of("Enter the provider's token endpoint, an https:// address."));
        }
        if (string.IsNullOrWhiteSpace(input.OAuthClientId))
        {
            errors.Add(nameof(input.OAuthClientId), Text.Of("Enter the client id registered with the provider."));
        }
        if (string.IsNullOrWhiteSpace(input.OAuthScopes))
        {
            errors.Add(nameof(input.OAuthScopes), Text.Of("Enter the scopes that allow IMAP and SMTP, separated by spaces."));
        }
    }

    /// <summary>https, or plain http to this machine only (a provider on the same host, or in tests).</summary>
    public static bool IsEndpoint(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static bool IsMailAddress(string value) =>
        MailboxAddress.TryParse(value, out var parsed) && parsed.Address == value && value.Contains('@') && !value.Contains(' ');

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

    /// <summary>Adds a mailbox to the tenant; the id when it was saved.</summary>
    public async Task<(FieldErrors Errors, int? MailboxId)> CreateAsync(int tenantId, MailboxInput input, CancellationToken ct = default)
    {
        var (errors, mailbox) = await SaveAsync(tenantId, mailboxId: null, input, ct);
        return (errors, mailbox?.Id);
    }

    public async Task<FieldErrors> SaveAsync(int mailboxId, MailboxInput input, CancellationToken ct = default)
    {
        var tenantId = await TenantOfAsync(mailboxId, ct);
        if (tenantId is null)
        {
            return FieldErrors.OfForm(Text.Of("This mailbox no longer exists."));
        }
        return (await SaveAsync(tenantId.Value, mailboxId, input, ct)).Errors;
    }

    private async Task<(FieldErrors Errors, Mailbox? Saved)> SaveAsync(int tenantId, int? mailboxId, MailboxInput input, CancellationToken ct)
    {
        var errors = Validate(input, oauthTokens.Options);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
        {
            errors.AddForm(Text.Of("This tenant does not exist."));
        }
        var mailbox = mailboxId is int id ? await db.Set<Mailbox>().SingleOrDefaultAsync(m => m.Id == id, ct) : null;
        if (mailboxId is not null && mailbox is null)
        {
            return (FieldErrors.OfForm(Text.Of("This mailbox no longer exists.")), null);
        }
        if (input.AuthMethod == MailAuthMethod.Password && string.IsNullOrEmpty(input.NewPassword) && mailbox?.ProtectedPassword is null)
        {
            errors.Add(nameof(input.NewPassword), Text.Of("Enter the mailbox password."));
        }
        await ValidateAgainstStoredAsync(db, errors, tenantId, mailboxId, input, ct);
        if (errors.Count > 0)
        {
            return (errors, null);
        }
        if (mailbox is null)
        {
            mailbox = new Mailbox { TenantId = tenantId };
            db.Set<Mailbox>().Add(mailbox);
        }
        var signInChanged = mailbox.AuthMethod != input.AuthMethod || mailbox.OAuthProvider != input.OAuthProvider
            || !string.Equals(mailbox.UserName, input.UserName.Trim(), StringComparison.OrdinalIgnoreCase)
            || mailbox.OAuthClientId != Trimmed(input.OAuthClientId) || mailbox.OAuthTokenEndpoint != Trimmed(input.OAuthTokenEndpoint)
            || !string.IsNullOrEmpty(input.NewOAuthClientSecret);
        mailbox.Name = input.Name.Trim();
        mailbox.Address = input.Address.Trim();
        mailbox.Host = input.Host.Trim();
        mailbox.Port = input.Port;
        mailbox.Encryption = input.Encryption;
        mailbox.UserName = input.UserName.Trim();
        mailbox.AuthMethod = input.AuthMethod;
        if (!string.IsNullOrEmpty(input.NewPassword))
        {
            mailbox.ProtectedPassword = connector.Protect(input.NewPassword);
        }
        mailbox.Folders = string.Join("\n", Mailbox.SplitFolders(input.Folders));
        mailbox.AfterImport = input.AfterImport;
        mailbox.MoveToFolder = input.AfterImport == AfterImportAction.MoveToFolder ? input.MoveToFolder?.Trim() : null;
        mailbox.MaxMessageBytes = input.MaxMessageMegabytes * 1048576L;
        mailbox.ScheduleEnabled = input.ScheduleEnabled;
        mailbox.CronSchedule = input.CronSchedule.Trim();
        mailbox.PushEnabled = input.PushEnabled;
        mailbox.DefaultHandlerId = string.IsNullOrWhiteSpace(input.DefaultHandlerId) ? null : input.DefaultHandlerId;
        mailbox.DefaultWatcherGroupId = input.DefaultWatcherGroupId;
        mailbox.SmtpHost = Trimmed(input.SmtpHost);
        mailbox.SmtpPort = input.SmtpPort;
        mailbox.SmtpEncryption = input.SmtpEncryption;
        mailbox.SmtpUserName = Trimmed(input.SmtpUserName);
        if (mailbox.SmtpHost is null)
        {
            mailbox.SmtpProtectedPassword = null;
        }
        else if (!string.IsNullOrEmpty(input.NewSmtpPassword))
        {
            mailbox.SmtpProtectedPassword = connector.Protect(input.NewSmtpPassword);
        }
        var oauth = input.AuthMethod == MailAuthMethod.OAuth2;
        var other = oauth && input.OAuthProvider == OAuthProviderKind.Other;
        mailbox.OAuthProvider = oauth ? input.OAuthProvider : null;
        mailbox.OAuthAuthorizationEndpoint = other ? Trimmed(input.OAuthAuthorizationEndpoint) : null;
        mailbox.OAuthTokenEndpoint = other ? Trimmed(input.OAuthTokenEndpoint) : null;
        mailbox.OAuthScopes = other ? Trimmed(input.OAuthScopes) : null;
        mailbox.OAuthClientId = other ? Trimmed(input.OAuthClientId) : null;
        if (!other)
        {
            mailbox.OAuthProtectedClientSecret = null;
        }
        else if (!string.IsNullOrEmpty(input.NewOAuthClientSecret))
        {
            mailbox.OAuthProtectedClientSecret = connector.Protect(input.NewOAuthClientSecret);
        }
        if (signInChanged || !oauth)
        {
            // Tokens belong to the account and client they were issued for: connect again after a change.
            mailbox.OAuthProtectedRefreshToken = null;
            mailbox.OAuthProtectedAccessToken = null;
            mailbox.OAuthAccessTokenExpiresAt = null;
            mailbox.OAuthError = null;
        }
        await db.SaveChangesAsync(ct);
        Changed?.Invoke(new MailboxChanged(mailbox.Id, tenantId));
        return (FieldErrors.None, mailbox);
    }

    private static async Task ValidateAgainstStoredAsync(AppDbContext db, FieldErrors errors, int tenantId, int? mailboxId, MailboxInput input, CancellationToken ct)
    {
        var others = await db.Set<Mailbox>().AsNoTracking().Where(m => m.TenantId == tenantId && m.Id != (mailboxId ?? 0))
            .Select(m => new { m.Address, m.Host, m.UserName, m.Folders }).ToListAsync(ct);
        var address = input.Address.Trim();
        if (address.Length > 0 && others.Any(o => string.Equals(o.Address, address, StringComparison.OrdinalIgnoreCase)))
        {
            errors.AddIfFirst(nameof(input.Address), Text.Of("Another mailbox of this tenant has this address."));
        }
        var folders = Mailbox.SplitFolders(input.Folders);
        if (others.Any(o => string.Equals(o.Host, input.Host.Trim(), StringComparison.OrdinalIgnoreCase)
                            && string.Equals(o.UserName, input.UserName.Trim(), StringComparison.OrdinalIgnoreCase)
                            && Mailbox.SplitFolders(o.Folders).Intersect(folders, StringComparer.OrdinalIgnoreCase).Any()))
        {
            errors.AddIfFirst(nameof(input.Folders), Text.Of("Another mailbox of this tenant already fetches this folder of this account."));
        }
        var supporters = db.Users.Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport));
        if (!string.IsNullOrWhiteSpace(input.DefaultHandlerId) && !await supporters.AnyAsync(u => u.Id == input.DefaultHandlerId, ct))
        {
            errors.Add(nameof(input.DefaultHandlerId), Text.Of("The handler must be a user of the group Ticket-Support."));
        }
        if (input.DefaultWatcherGroupId is int groupId && !await db.Set<UserGroup>().AnyAsync(g => g.Id == groupId, ct))
        {
            errors.Add(nameof(input.DefaultWatcherGroupId), Text.Of("This group no longer exists."));
        }
    }

    public sealed record MailboxChoices(IReadOnlyList<Option<string>> Handlers, IReadOnlyList<Option<int>> Groups);

    /// <summary>Who may be the default handler (Ticket-Support) and which groups may watch.</summary>
    public async Task<MailboxChoices> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var handlers = await db.Users.AsNoTracking().Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport))
            .OrderBy(u => u.DisplayName).Select(u => new Option<string>(u.Id, u.DisplayName)).ToListAsync(ct);
        var groups = await db.Set<UserGroup>().AsNoTracking().OrderBy(g => g.Name).Select(g => new Option<int>(g.Id, g.Name)).ToListAsync(ct);
        return new MailboxChoices(handlers, groups);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Removes a mailbox. Its tickets stay; their replies then go out with the tenant's SMTP settings. What it
    /// imported stays recorded, so setting it up again never imports the same mail twice.
    /// </summary>
    public async Task<bool> DeleteAsync(int mailboxId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Set<Mailbox>().Where(m => m.Id == mailboxId).Select(m => (int?)m.TenantId).SingleOrDefaultAsync(ct);
        if (tenantId is null)
        {
            return false;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<MailFolderState>().Where(s => s.MailboxId == mailboxId).ExecuteDeleteAsync(ct);
        await db.Set<Mailbox>().Where(m => m.Id == mailboxId).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        Changed?.Invoke(new MailboxChanged(mailboxId, tenantId.Value));
        return true;
    }

    /// <summary>Tests the form's values; a blank password field tests the stored password.</summary>
    public async Task<(bool Ok, string Message)> TestConnectionAsync(int? mailboxId, MailboxInput input, CancellationToken ct = default)
    {
        var errors = Validate(input, oauthTokens.Options);
        errors.Remove(nameof(input.CronSchedule));
        errors.Remove(nameof(input.MoveToFolder));
        errors.Remove(nameof(input.Address));
        if (errors.Count > 0)
        {
            return (false, string.Join(" ", errors.All));
        }
        Mailbox? stored = null;
        if (mailboxId is int id)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            stored = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        }
        try
        {
            var folder = Mailbox.SplitFolders(input.Folders)[0];
            MailboxEndpoint endpoint;
            if (input.AuthMethod == MailAuthMethod.OAuth2)
            {
                if (stored is null || stored.OAuthProtectedRefreshToken is null)
                {
                    return (false, Text.Of("Save the mailbox and connect it with the provider first."));
                }
                endpoint = (await connector.EndpointOfAsync(stored, ct)) with { Host = input.Host.Trim(), Port = input.Port, Encryption = input.Encryption, Folder = folder };
            }
            else
            {
                var password = input.NewPassword;
                if (string.IsNullOrEmpty(password))
                {
                    if (stored?.ProtectedPassword is null)
                    {
                        return (false, Text.Of("Enter the mailbox password."));
                    }
                    password = connector.Unprotect(stored.ProtectedPassword);
                }
                endpoint = new MailboxEndpoint(input.Host.Trim(), input.Port, input.Encryption, input.UserName.Trim(), password, folder);
            }
            return (true, await connector.TestAsync(endpoint, ct, Mailbox.SplitFolders(input.Folders).Skip(1).ToList()));
        }
        catch (MailboxConnectionException ex)
        {
            return (false, ex.Message);
        }
    }
}
