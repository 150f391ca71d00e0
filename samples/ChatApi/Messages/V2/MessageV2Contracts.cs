using System.Globalization;
using System.Text.RegularExpressions;
using ChatApi.Data;
using ChatApi.Infrastructure;

namespace ChatApi.Messages;

/// <summary>
/// An attachment given with <c>POST /api/v2/rooms/{id}/messages</c>: metadata only, the file is stored elsewhere and
/// reachable at <see cref="Url"/> (absolute http or https).
/// </summary>
internal sealed record AttachmentRequest(string? FileName, string? ContentType, long? Size, string? Url);

/// <summary>An attachment as messages API v2 returns it.</summary>
internal sealed record AttachmentResponse(Guid Id, string FileName, string ContentType, long Size, Uri Url)
{
    public static AttachmentResponse From(AttachmentRecord attachment) =>
        new(attachment.Id, attachment.FileName, attachment.ContentType, attachment.Size, attachment.Url);
}

/// <summary>One emoji on a message: how many users chose it and who, in the order they reacted.</summary>
internal sealed record ReactionResponse(string Emoji, int Count, IReadOnlyList<Guid> UserIds)
{
    /// <summary>Groups reactions by emoji, in the order each emoji was first used.</summary>
    public static IReadOnlyList<ReactionResponse> From(IReadOnlyList<ReactionRecord> reactions) =>
        [.. reactions.GroupBy(r => r.Emoji, StringComparer.Ordinal).Select(g => new ReactionResponse(g.Key, g.Count(), [.. g.Select(r => r.UserId)]))];
}

/// <summary>The body of <c>POST /api/v2/rooms/{id}/messages/{messageId}/reactions</c>.</summary>
internal sealed record AddReactionRequest(string? Emoji)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        MessageV2Rules.Emoji(errors, "emoji", Emoji);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

internal static partial class MessageV2Rules
{
    public const int MaxAttachments = 10;
    public const int MaxFileNameLength = 255;
    public const int MaxUrlLength = 2048;
    public const long MaxAttachmentBytes = 100L * 1024 * 1024;

    /// <summary>Emoji are short: a sequence with skin tone and ZWJ joins stays well under 32 UTF-16 units.</summary>
    public const int MaxEmojiLength = 32;

    public static void Emoji(ValidationErrors errors, string field, string? emoji)
    {
        if (errors.Text(field, emoji, 1, MaxEmojiLength) && emoji!.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add(field, $"'{field}' must not contain white space or control characters.");
        }
    }

    public static void Attachments(ValidationErrors errors, IReadOnlyList<AttachmentRequest?>? attachments)
    {
        if (attachments is null)
        {
            return;
        }

        if (attachments.Count > MaxAttachments)
        {
            errors.Add("attachments", $"'attachments' may list at most {MaxAttachments} files.");
            return;
        }

        for (var i = 0; i < attachments.Count; i++)
        {
            var prefix = "attachments[" + i.ToString(CultureInfo.InvariantCulture) + "].";
            if (attachments[i] is not { } attachment)
            {
                errors.Add("attachments[" + i.ToString(CultureInfo.InvariantCulture) + "]", "An attachment must be an object.");
                continue;
            }

            if (errors.Text(prefix + "fileName", attachment.FileName, 1, MaxFileNameLength)
                && attachment.FileName!.Any(c => char.IsControl(c) || c is '/' or '\\'))
            {
                errors.Add(prefix + "fileName", "'fileName' must be a bare file name, without path separators or control characters.");
            }

            if (errors.Text(prefix + "contentType", attachment.ContentType, 3, 127) && !ContentTypePattern().IsMatch(attachment.ContentType!))
            {
                errors.Add(prefix + "contentType", "'contentType' must be a media type such as 'image/png'.");
            }

            if (attachment.Size is not { } size || size < 0 || size > MaxAttachmentBytes)
            {
                errors.Add(prefix + "size", $"'size' is required and must be between 0 and {MaxAttachmentBytes} bytes.");
            }

            if (errors.Text(prefix + "url", attachment.Url, 1, MaxUrlLength)
                && !(Uri.TryCreate(attachment.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
            {
                errors.Add(prefix + "url", "'url' must be an absolute http or https URL.");
            }
        }
    }

    public static List<AttachmentRecord> ToRecords(Guid messageId, IReadOnlyList<AttachmentRequest?>? attachments, DateTimeOffset now) =>
        attachments is null
            ? []
            : [.. attachments.Select(a => new AttachmentRecord(Guid.CreateVersion7(now), messageId, a!.FileName!, a.ContentType!.ToLowerInvariant(), a.Size!.Value, new Uri(a.Url!, UriKind.Absolute)))];

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentTypePattern();
}
