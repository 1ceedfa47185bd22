using System.Text.RegularExpressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Admin.TextBlocks;

/// <summary>The editable fields of a text block; <see cref="Id"/> 0 means a new block in <see cref="TenantId"/>.</summary>
public sealed class TextBlockEdit
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public bool IsReplyTemplate { get; set; }
}

public sealed record TextBlockRow(int Id, string Key, string Name, string Subject, bool IsReplyTemplate)
{
    public bool IsProtected => TextBlockAdminService.IsProtected(Key);
}

public sealed record TextBlockPlaceholder(string Text, string Description);

public sealed partial class TextBlockAdminService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxKeyLength = 100;
    public const int MaxNameLength = 200;

    public static readonly IReadOnlyList<TextBlockPlaceholder> Placeholders =
    [
        new("{{message}}", Text.Of("The text the agent wrote")),
        new("{{quoted_original}}", Text.Of("The customer's message being answered, quoted")),
        new("{{signature}}", Text.Of("The agent's signature")),
        new("{{ticket_number}}", Text.Of("The ticket number, such as #1001")),
        new("{{subject}}", Text.Of("The ticket subject")),
        new("{{customer_name}}", Text.Of("The customer's name")),
        new("{{agent_name}}", Text.Of("The agent's display name")),
        new("{{expected_date}}", Text.Of("The expected processing date")),
    ];

    /// <summary>The app replies to customers with this block, so it must keep its key and stay.</summary>
    public static bool IsProtected(string key) => key == TextBlockKeys.ContactReplyCustomer;

    [GeneratedRegex("^[a-z0-9.-]+$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\{\{[^{}]*\}\}")]
    private static partial Regex PlaceholderPattern();

    public async Task<IReadOnlyList<TextBlockRow>> ListAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<TextBlock>().AsNoTracking()
            .Where(b => b.TenantId == tenantId)
            .OrderBy(b => b.Key)
            .Select(b => new TextBlockRow(b.Id, b.Key, b.Name, b.Subject, b.IsReplyTemplate))
            .ToListAsync(ct);
    }

    public async Task<TextBlockEdit?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<TextBlock>().AsNoTracking()
            .Where(b => b.Id == id)
            .Select(b => new TextBlockEdit
            {
                Id = b.Id,
                TenantId = b.TenantId,
                Key = b.Key,
                Name = b.Name,
                Subject = b.Subject,
                Body = b.Body,
                IsReplyTemplate = b.IsReplyTemplate,
            })
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>The rules that need no database; keys are <see cref="TextBlockEdit"/> property names.</summary>
    public static FieldErrors Validate(TextBlockEdit edit)
    {
        var errors = new FieldErrors();
        var key = AdminValidation.Trimmed(edit.Key);
        if (key.Length == 0)
        {
            errors.Add(nameof(TextBlockEdit.Key), Text.Of("Enter a key."));
        }
        else if (key.Length > MaxKeyLength)
        {
            errors.Add(nameof(TextBlockEdit.Key), Text.Of("The key may have at most 100 characters."));
        }
        else if (!KeyPattern().IsMatch(key))
        {
            errors.Add(nameof(TextBlockEdit.Key), Text.Of("The key may only contain lowercase letters, digits, dots and dashes, such as reply.thanks."));
        }
        var name = AdminValidation.Trimmed(edit.Name);
        if (name.Length == 0)
        {
            errors.Add(nameof(TextBlockEdit.Name), Text.Of("Enter a name."));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(nameof(TextBlockEdit.Name), "The name may have at most 200 characters.");
        }
        if (HasUnknownPlaceholder(edit.Subject))
        {
            errors.Add(nameof(TextBlockEdit.Subject), Text.Of("The subject uses a placeholder that does not exist; use only the placeholders listed below."));
        }
        if (string.IsNullOrWhiteSpace(edit.Body))
        {
            errors.Add(nameof(TextBlockEdit.Body), Text.Of("Enter the text."));
        }
        else if (HasUnknownPlaceholder(edit.Body))
        {
            errors.Add(nameof(TextBlockEdit.Body), Text.Of("The text uses a placeholder that does not exist; use only the placeholders listed below."));
        }
        return errors;
    }

    private static bool HasUnknownPlaceholder(string? text) =>
        PlaceholderPattern().Matches(text ?? "").Any(m => Placeholders.All(p => p.Text != m.Value));

    /// <summary>Creates the block when <see cref="TextBlockEdit.Id"/> is 0, otherwise updates it; a block stays in its tenant.</summary>
    public async Task<AdminResult<int>> SaveAsync(TextBlockEdit edit, CancellationToken ct = default)
    {
        var errors = Validate(edit);
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<int>(errors);
        }
        var key = AdminValidation.Trimmed(edit.Key);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        TextBlock block;
        if (edit.Id == 0)
        {
            if (!await db.Set<Tenant>().AnyAsync(t => t.Id == edit.TenantId, ct))
            {
                return AdminResult.Failed<int>(Text.Of("This tenant no longer exists."));
            }
            block = new TextBlock { TenantId = edit.TenantId };
            db.Set<TextBlock>().Add(block);
        }
        else
        {
            var existing = await db.Set<TextBlock>().SingleOrDefaultAsync(b => b.Id == edit.Id, ct);
            if (existing is null)
            {
                return AdminResult.Failed<int>(Text.Of("This text block no longer exists."));
            }
            if (IsProtected(existing.Key) && key != existing.Key)
            {
                return AdminResult.Invalid<int>(FieldErrors.Of(nameof(TextBlockEdit.Key), Text.Of("The key contact.reply.customer cannot be changed: the app replies to customers with it.")));
            }
            block = existing;
        }

        if (await db.Set<TextBlock>().AnyAsync(b => b.TenantId == block.TenantId && b.Id != edit.Id && b.Key == key, ct))
        {
            return AdminResult.Invalid<int>(KeyTaken);
        }

        block.Key = key;
        block.Name = AdminValidation.Trimmed(edit.Name);
        block.Subject = (edit.Subject ?? "").Trim();
        block.Body = edit.Body;
        block.IsReplyTemplate = edit.IsReplyTemplate;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return AdminResult.Invalid<int>(KeyTaken);
        }
        return AdminResult.Saved(block.Id);
    }

    // A property, not a field: callers may add to the errors they get.
    private static FieldErrors KeyTaken => FieldErrors.Of(nameof(TextBlockEdit.Key), Text.Of("Another text block of this tenant already has this key."));

    public async Task<AdminResult<int>> DeleteAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var block = await db.Set<TextBlock>().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (block is null)
        {
            return AdminResult.Failed<int>(Text.Of("This text block no longer exists."));
        }
        if (IsProtected(block.Key))
        {
            return AdminResult.Failed<int>(Text.Of("The text block contact.reply.customer cannot be deleted: the app replies to customers with it."));
        }
        db.Set<TextBlock>().Remove(block);
        await db.SaveChangesAsync(ct);
        return AdminResult.Saved(id);
    }
}
