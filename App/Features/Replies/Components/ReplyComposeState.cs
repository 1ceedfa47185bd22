using BlazorTickets.Shared;

namespace BlazorTickets.Features.Replies.Components;

/// <summary>
/// The compose area's form and its rules: which message is answered, what follows that choice, templates, attachments
/// within the limits, drafts and sending. The component only renders it and reads the files from the browser.
/// </summary>
public sealed class ReplyComposeState(ReplyService replies)
{
    private int loadedTicketId;
    private int loadedMessageCount;
    private bool answeredChosen;
    private bool justSent;

    public ReplyContext? Context { get; private set; }
    public ReplyInput? Input { get; private set; }
    public IReadOnlyList<string> UnknownPlaceholders { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = FieldErrors.None;
    /// <summary>Customer messages that came in while the agent wrote; shown before anything is sent.</summary>
    public IReadOnlyList<AnswerableMessage> UnseenCustomerMessages { get; private set; } = [];
    public bool HasDraft { get; private set; }
    public bool Busy { get; private set; }

    public AnswerableMessage? Answered => Context?.Messages.FirstOrDefault(m => m.Id == Input?.AnsweredMessageId);

    /// <summary>Loads the form for a ticket (from the agent's draft if there is one); for the same ticket only follows a grown conversation.</summary>
    public async Task LoadAsync(int ticketId, string userId, int messageCount)
    {
        if (loadedTicketId == ticketId && Input is not null)
        {
            if (loadedMessageCount != messageCount)
            {
                // Keep what the agent is writing; only the list of messages to answer follows the conversation.
                loadedMessageCount = messageCount;
                Context = await replies.GetContextAsync(ticketId, userId) ?? Context;
                // A new customer message is what the agent answers now, unless they picked another one themselves.
                if (!answeredChosen && Context is not null && ReplyService.DefaultAnswered(Context) is { } newest && newest.Id != Input.AnsweredMessageId)
                {
                    Answer(newest.Id);
                }
            }
            return;
        }
        loadedTicketId = ticketId;
        loadedMessageCount = messageCount;
        Context = await replies.GetContextAsync(ticketId, userId);
        if (Context is null)
        {
            return;
        }
        var draft = await replies.LoadDraftAsync(ticketId, userId);
        HasDraft = draft is not null;
        Input = draft ?? NewInput();
        Input.SeenUpToMessageId = NewestMessageId;
        answeredChosen = draft is not null && draft.AnsweredMessageId != ReplyService.DefaultAnswered(Context)?.Id;
        UnknownPlaceholders = Unknown(Input.Body);
    }

    /// <summary>The agent picked the message to answer.</summary>
    public void ChooseAnswered(int? messageId)
    {
        answeredChosen = messageId != ReplyService.DefaultAnswered(Context!)?.Id;
        Answer(messageId);
    }

    private void Answer(int? messageId)
    {
        var before = Prefilled(Answered);
        var subjectWasPrefilled = Input!.Subject == before.Subject;
        var recipientWasPrefilled = Input.To == before.To;
        var prefilled = Prefilled(Context!.Messages.FirstOrDefault(m => m.Id == messageId));
        Input.AnsweredMessageId = messageId;
        // What the agent typed stays; only what was filled in follows the choice.
        if (subjectWasPrefilled || string.IsNullOrWhiteSpace(Input.Subject))
        {
            Input.Subject = prefilled.Subject;
        }
        if (recipientWasPrefilled || string.IsNullOrWhiteSpace(Input.To))
        {
            Input.To = prefilled.To;
        }
    }

    private ReplyInput Prefilled(AnswerableMessage? answered)
    {
        var probe = new ReplyInput();
        ReplyService.Prefill(probe, Context!, answered);
        return probe;
    }

    private ReplyInput NewInput() => Prefilled(ReplyService.DefaultAnswered(Context!));

    /// <summary>Appends a template's filled text; placeholders it left empty must be confirmed again before sending.</summary>
    public void InsertTemplate(int? templateId)
    {
        var template = Context!.Templates.FirstOrDefault(t => t.Id == templateId);
        if (template is null)
        {
            return;
        }
        var filled = ReplyService.FillTemplate(Context, template, Answered);
        justSent = false;
        if (filled.Empty.Except(Input!.EmptyPlaceholders).Any())
        {
            Input.EmptyPlaceholders = Input.EmptyPlaceholders.Union(filled.Empty).ToList();
            Input.EmptyPlaceholdersConfirmed = false;
        }
        var body = Input.Body.TrimEnd();
        Input.Body = body.Length == 0 ? filled.Text : $"{body}\n\n{filled.Text}";
        UnknownPlaceholders = Unknown(Input.Body);
    }

    public void ChangeBody(string? value)
    {
        Input!.Body = value ?? "";
        justSent = false;
        UnknownPlaceholders = Unknown(Input.Body);
    }

    private static List<string> Unknown(string body) =>
        ReplyPlaceholders.Remaining(body).Where(p => !ReplyPlaceholders.Known.Contains(p.Trim('{', '}', ' ').ToLowerInvariant())).ToList();

    /// <summary>Why a file of this size may not be attached next to the ones already there, or null when it may.</summary>
    public ErrorMessage? RefusalOf(string fileName, long size)
    {
        justSent = false;
        if (size > ReplyLimits.MaxFileBytes)
        {
            return new("{0} is {1}, more than the {2} MB allowed per file.", fileName, FormatSize(size), ReplyLimits.MaxFileBytes / 1048576);
        }
        if (Input!.Attachments.Sum(a => a.Size) + size > ReplyLimits.MaxTotalBytes)
        {
            return new("{0} would take the attachments over {1} MB in total.", fileName, ReplyLimits.MaxTotalBytes / 1048576);
        }
        return null;
    }

    public void Attach(string fileName, string? contentType, byte[] content) =>
        Input!.Attachments.Add(new ReplyAttachmentInput(fileName, string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType, content));

    /// <summary>Replaces the attachment errors with the refusals of the last files picked, or clears them.</summary>
    public void ShowRefusals(IReadOnlyList<ErrorMessage> refusals)
    {
        var remaining = Errors.Without(field => field == "Attachments");
        foreach (var refusal in refusals)
        {
            remaining.Add("Attachments", refusal);
        }
        Errors = remaining;
    }

    public void Remove(ReplyAttachmentInput attachment)
    {
        Input!.Attachments.Remove(attachment);
        Errors = Errors.Without(field => field == "Attachments");
    }

    /// <summary>Sends the form; true when the reply was queued and the form is fresh again.</summary>
    public async Task<bool> SendAsync(string userId)
    {
        // The second click of a double click may come after the first sent and cleared the form: it has nothing to send.
        if (Busy || (justSent && string.IsNullOrWhiteSpace(Input!.Body) && Input.Attachments.Count == 0))
        {
            return false;
        }
        Busy = true;
        try
        {
            switch (await replies.SendAsync(Input!, userId))
            {
                case SendReplyResult.Invalid invalid:
                    Errors = invalid.Errors;
                    return false;
                case SendReplyResult.Queued:
                    Clear();
                    justSent = true;
                    return true;
                case SendReplyResult.CustomerWroteMeanwhile meanwhile:
                    UnseenCustomerMessages = meanwhile.Messages;
                    return false;
                default:
                    return false;
            }
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>The agent has read the new customer messages: the next send goes out unless yet another one arrives.</summary>
    public void AcknowledgeUnseen()
    {
        if (UnseenCustomerMessages.Count > 0)
        {
            Input!.SeenUpToMessageId = Math.Max(Input.SeenUpToMessageId ?? 0, UnseenCustomerMessages.Max(m => m.Id));
            UnseenCustomerMessages = [];
        }
    }

    /// <summary>The newest message the compose area knows of: where a fresh reply begins.</summary>
    private int NewestMessageId => Context?.Messages.Count > 0 ? Context.Messages.Max(m => m.Id) : 0;

    public async Task SaveDraftAsync(string userId)
    {
        Busy = true;
        try
        {
            Errors = await replies.SaveDraftAsync(Input!, userId);
            HasDraft = Errors.Count == 0 || HasDraft;
        }
        finally
        {
            Busy = false;
        }
    }

    public async Task DiscardDraftAsync(int ticketId, string userId)
    {
        await replies.DeleteDraftAsync(ticketId, userId);
        Clear();
    }

    private void Clear()
    {
        HasDraft = false;
        Errors = FieldErrors.None;
        Input = NewInput();
        Input.SeenUpToMessageId = NewestMessageId;
        UnseenCustomerMessages = [];
        answeredChosen = false;
        UnknownPlaceholders = [];
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
