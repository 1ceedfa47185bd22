namespace BlazorTickets.Features.Mail.Display;

/// <summary>An attachment of the shown message: its id for our URLs and the Content-ID its <c>cid:</c> images use.</summary>
public sealed record MailHtmlAttachment(int Id, string? ContentId);
