namespace ApiKit.Webhooks;

/// <summary>Event type patterns: exact names, <c>prefix.*</c>, or <c>*</c>.</summary>
internal static class WebhookEventPattern
{
    public static bool Matches(string pattern, string eventType)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = pattern.AsSpan(0, pattern.Length - 1);
            return eventType.Length > prefix.Length && eventType.AsSpan().StartsWith(prefix, StringComparison.Ordinal);
        }

        return string.Equals(pattern, eventType, StringComparison.Ordinal);
    }

    public static bool IsValid(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > 128)
        {
            return false;
        }

        if (pattern == "*")
        {
            return true;
        }

        var body = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        if (body.Length == 0 || body.StartsWith('.') || body.EndsWith('.') || body.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in body)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
