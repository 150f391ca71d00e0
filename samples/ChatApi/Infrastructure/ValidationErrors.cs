using System.Net.Mail;
using System.Text.RegularExpressions;

namespace ChatApi.Infrastructure;

/// <summary>
/// Collects field-level validation errors keyed by the JSON (camelCase) name of the field, in the shape
/// of <see cref="HttpValidationProblemDetails.Errors"/>.
/// </summary>
internal sealed partial class ValidationErrors
{
    /// <summary>RFC 5321 caps a forward path at 256 octets, so an address has at most 254 characters.</summary>
    public const int MaxEmailLength = 254;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors.Add(field, messages);
        }

        messages.Add(message);
    }

    /// <summary>Checks a required text field: present, not blank, and within the length bounds.</summary>
    /// <returns><see langword="true"/> when the value is valid.</returns>
    public bool Text(string field, string? value, int minLength, int maxLength, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"'{field}' is required.");
                return false;
            }

            return true;
        }

        if (string.IsNullOrWhiteSpace(value) && minLength > 0)
        {
            Add(field, $"'{field}' must not be blank.");
            return false;
        }

        if (value.Length < minLength || value.Length > maxLength)
        {
            Add(field, $"'{field}' must be between {minLength} and {maxLength} characters long.");
            return false;
        }

        return true;
    }

    /// <summary>Checks a username: 3 to 32 letters, digits, '_', '.', '-', starting and ending with a letter or digit.</summary>
    public void Username(string field, string? value, bool required = true)
    {
        if (Text(field, value, 3, 32, required) && value is not null && !UsernamePattern().IsMatch(value))
        {
            Add(field, $"'{field}' may contain only letters, digits, '_', '.' and '-', and must start and end with a letter or digit.");
        }
    }

    /// <summary>Checks an e-mail address: a bare <c>local@domain</c> address, no display name.</summary>
    public void Email(string field, string? value, bool required = true)
    {
        if (!Text(field, value, 3, MaxEmailLength, required) || value is null)
        {
            return;
        }

        if (!MailAddress.TryCreate(value, out var address)
            || !string.Equals(address.Address, value, StringComparison.Ordinal)
            || !address.Host.Contains('.', StringComparison.Ordinal))
        {
            Add(field, $"'{field}' must be an e-mail address such as 'name@example.com'.");
        }
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
