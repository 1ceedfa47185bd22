using BlazorTickets.Shared;
namespace BlazorTickets.Features.Portal;

/// <summary>The rules for what a customer writes and uploads. Messages are English localization keys.</summary>
public static class PortalValidation
{
    /// <summary>The fields a customer fills in; failures are reported under these names.</summary>
    public const string SubjectField = "Subject";
    public const string TextField = "Text";
    public const string FilesField = "Files";

    public const string TextMissing = "Write your message first.";
    public const string TextTooLong = "Your message has {0} characters; at most {1} are allowed.";
    public const string SubjectMissing = "The subject must not be empty.";
    public const string SubjectTooLong = "The subject may have at most 500 characters.";
    public const string TooManyFiles = "At most {0} files can be attached to one message.";
    public const string FileEmpty = "“{0}” is empty and was not attached.";
    public const string FileTooLarge = "“{0}” ({1}) is larger than the limit of {2} per file. It was not attached.";
    public const string FileUnreadable = "“{0}” could not be read and was not attached. Try again.";
    public const string Busy = "The ticket was being changed at the same moment. Nothing was lost: please try again.";
    public const string TotalTooLarge = "All files together may be at most {0}; “{1}” would make {2}. It was not attached.";

    public static IEnumerable<ErrorMessage> CheckText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield return new(TextMissing);
        }
        else if (text.Length > PortalLimits.MaxTextLength)
        {
            yield return new(TextTooLong, text.Length, PortalLimits.MaxTextLength);
        }
    }

    public static IEnumerable<ErrorMessage> CheckSubject(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject))
        {
            yield return new(SubjectMissing);
        }
        else if (subject.Trim().Length > PortalLimits.MaxSubjectLength)
        {
            yield return new(SubjectTooLong);
        }
    }

    /// <summary>Whether one more file of <paramref name="size"/> bytes may join <paramref name="accepted"/>; null when it may.</summary>
    public static ErrorMessage? CheckFile(string fileName, long size, IReadOnlyCollection<long> accepted)
    {
        if (accepted.Count >= PortalLimits.MaxFiles)
        {
            return new(TooManyFiles, PortalLimits.MaxFiles);
        }
        if (size <= 0)
        {
            return new(FileEmpty, fileName);
        }
        if (size > PortalLimits.MaxFileBytes)
        {
            return new(FileTooLarge, fileName, PortalLimits.FormatSize(size), PortalLimits.FormatSize(PortalLimits.MaxFileBytes));
        }
        var total = accepted.Sum() + size;
        if (total > PortalLimits.MaxTotalBytes)
        {
            return new(TotalTooLarge, PortalLimits.FormatSize(PortalLimits.MaxTotalBytes), fileName, PortalLimits.FormatSize(total));
        }
        return null;
    }

    /// <summary>Each check's messages under the field it is about.</summary>
    public static FieldErrors Check(string? subject, string? text, IReadOnlyList<UploadedFile> files, bool withSubject)
    {
        var errors = new FieldErrors();
        if (withSubject)
        {
            foreach (var message in CheckSubject(subject))
            {
                errors.Add(SubjectField, message);
            }
        }
        foreach (var message in CheckText(text))
        {
            errors.Add(TextField, message);
        }
        foreach (var message in CheckFiles(files))
        {
            errors.Add(FilesField, message);
        }
        return errors;
    }

    /// <summary>Checks a whole set of files again on the server side, whatever the page let through.</summary>
    public static IEnumerable<ErrorMessage> CheckFiles(IReadOnlyList<UploadedFile> files)
    {
        var accepted = new List<long>();
        foreach (var file in files)
        {
            if (CheckFile(file.FileName, file.Size, accepted) is { } problem)
            {
                yield return problem;
                yield break;
            }
            accepted.Add(file.Size);
        }
    }

    /// <summary>Every message above, for the translation test.</summary>
    public static IReadOnlyList<string> AllMessages =>
        [TextMissing, TextTooLong, SubjectMissing, SubjectTooLong, TooManyFiles, FileEmpty, FileTooLarge, FileUnreadable, TotalTooLarge, Busy];
}
