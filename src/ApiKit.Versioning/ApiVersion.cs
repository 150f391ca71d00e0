using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ApiKit.Versioning;

/// <summary>
/// An API version: either a number <c>major[.minor]</c> (<c>1</c>, <c>2.1</c>) or a date (<c>2024-01-15</c>, Stripe style).
/// </summary>
/// <remarks>
/// <para><c>1</c> and <c>1.0</c> are the same version and both format as <c>1.0</c>. Numbered versions sort before dated
/// versions; within a kind, versions sort numerically or chronologically.</para>
/// <para><see langword="default"/>(<see cref="ApiVersion"/>) is not a version: <see cref="IsValid"/> is
/// <see langword="false"/> and it sorts before every real version.</para>
/// </remarks>
[TypeConverter(typeof(ApiVersionTypeConverter))]
public readonly struct ApiVersion : IEquatable<ApiVersion>, IComparable<ApiVersion>, IComparable, ISpanFormattable, ISpanParsable<ApiVersion>
{
    private const byte KindNone = 0;
    private const byte KindNumber = 1;
    private const byte KindDate = 2;

    // Nine digits always fit an int, so parsing never has to check for overflow.
    private const int MaxNumberDigits = 9;

    private readonly int _major;
    private readonly int _minor;
    private readonly byte _kind;

    /// <summary>Creates a numbered version <c>major.minor</c>.</summary>
    /// <param name="major">The major version, 0 or more.</param>
    /// <param name="minor">The minor version, 0 or more.</param>
    public ApiVersion(int major, int minor = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        _major = major;
        _minor = minor;
        _kind = KindNumber;
    }

    /// <summary>Creates a numbered version from a number such as <c>1.0</c> or <c>2.1</c>.</summary>
    /// <param name="version">The version; the digits after the decimal point are the minor version.</param>
    /// <remarks>Because <c>1.10</c> and <c>1.1</c> are the same <see cref="double"/>, use
    /// <see cref="ApiVersion(int, int)"/> for minor versions with trailing zeros.</remarks>
    public ApiVersion(double version)
    {
        if (!double.IsFinite(version) || version < 0
            || !TryParse(version.ToString("0.#########", CultureInfo.InvariantCulture), out var parsed) || parsed.IsDate)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "An API version number must be finite and not negative.");
        }

        this = parsed;
    }

    /// <summary>Creates a dated version.</summary>
    /// <param name="date">The date of the version.</param>
    public ApiVersion(DateOnly date)
    {
        _major = date.DayNumber;
        _minor = 0;
        _kind = KindDate;
    }

    /// <summary>Gets a value indicating whether this is a real version rather than <see langword="default"/>.</summary>
    public bool IsValid => _kind != KindNone;

    /// <summary>Gets a value indicating whether this is a dated version.</summary>
    public bool IsDate => _kind == KindDate;

    /// <summary>Gets the major version of a numbered version, or <see langword="null"/> for a dated one.</summary>
    public int? Major => _kind == KindNumber ? _major : null;

    /// <summary>Gets the minor version of a numbered version, or <see langword="null"/> for a dated one.</summary>
    public int? Minor => _kind == KindNumber ? _minor : null;

    /// <summary>Gets the date of a dated version, or <see langword="null"/> for a numbered one.</summary>
    public DateOnly? Date => _kind == KindDate ? DateOnly.FromDayNumber(_major) : null;

    /// <summary>Compares two versions for equality.</summary>
    public static bool operator ==(ApiVersion left, ApiVersion right) => left.Equals(right);

    /// <summary>Compares two versions for inequality.</summary>
    public static bool operator !=(ApiVersion left, ApiVersion right) => !left.Equals(right);

    /// <summary>Returns whether <paramref name="left"/> is older than <paramref name="right"/>.</summary>
    public static bool operator <(ApiVersion left, ApiVersion right) => left.CompareTo(right) < 0;

    /// <summary>Returns whether <paramref name="left"/> is newer than <paramref name="right"/>.</summary>
    public static bool operator >(ApiVersion left, ApiVersion right) => left.CompareTo(right) > 0;

    /// <summary>Returns whether <paramref name="left"/> is older than or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(ApiVersion left, ApiVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Returns whether <paramref name="left"/> is newer than or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(ApiVersion left, ApiVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Parses <c>major[.minor]</c> or <c>yyyy-MM-dd</c>; throws <see cref="FormatException"/> when malformed.</summary>
    /// <param name="text">The text to parse.</param>
    /// <returns>The version.</returns>
    public static ApiVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan(), null);
    }

    /// <inheritdoc />
    public static ApiVersion Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static ApiVersion Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, out var version) ? version : throw new FormatException("An API version is 'major[.minor]' or 'yyyy-MM-dd'.");

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ApiVersion result) =>
        TryParse(s.AsSpan(), out result);

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out ApiVersion result) =>
        TryParse(s, out result);

    /// <summary>Parses a version string; returns <see langword="false"/> when it is malformed.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="version">The version, or <see langword="default"/>.</param>
    /// <returns>Whether <paramref name="text"/> was a well-formed version.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ApiVersion version) => TryParse(text.AsSpan(), out version);

    /// <summary>
    /// Parses <c>major[.minor]</c> (ASCII digits only, at most nine per part) or <c>yyyy-MM-dd</c> (a real calendar
    /// date) without allocating. Anything else, including signs, spaces and empty parts, is malformed.
    /// </summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="version">The version, or <see langword="default"/>.</param>
    /// <returns>Whether <paramref name="text"/> was a well-formed version.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out ApiVersion version)
    {
        version = default;
        if (text.Length == 10 && text[4] == '-' && text[7] == '-')
        {
            return TryParseDate(text, out version);
        }

        var dot = text.IndexOf('.');
        var majorText = dot < 0 ? text : text[..dot];
        if (!TryParseNumber(majorText, out var major))
        {
            return false;
        }

        var minor = 0;
        if (dot >= 0 && !TryParseNumber(text[(dot + 1)..], out minor))
        {
            return false;
        }

        version = new ApiVersion(major, minor);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(ApiVersion other) => _kind == other._kind && _major == other._major && _minor == other._minor;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ApiVersion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, _major, _minor);

    /// <inheritdoc />
    public int CompareTo(ApiVersion other)
    {
        var byKind = _kind.CompareTo(other._kind);
        if (byKind != 0)
        {
            return byKind;
        }

        var byMajor = _major.CompareTo(other._major);
        return byMajor != 0 ? byMajor : _minor.CompareTo(other._minor);
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        ApiVersion other => CompareTo(other),
        _ => throw new ArgumentException("The object is not an ApiVersion.", nameof(obj)),
    };

    /// <summary>Formats the version as <c>major.minor</c> or <c>yyyy-MM-dd</c>; <see langword="default"/> formats as an empty string.</summary>
    /// <returns>The version text.</returns>
    public override string ToString() => ToString(null, null);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        Span<char> buffer = stackalloc char[24];
        return TryFormat(buffer, out var written, format, formatProvider) ? new string(buffer[..written]) : string.Empty;
    }

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        switch (_kind)
        {
            case KindNumber:
                return destination.TryWrite(CultureInfo.InvariantCulture, $"{_major}.{_minor}", out charsWritten);
            case KindDate:
                return DateOnly.FromDayNumber(_major).TryFormat(destination, out charsWritten, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            default:
                charsWritten = 0;
                return true;
        }
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxNumberDigits)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static bool TryParseDate(ReadOnlySpan<char> text, out ApiVersion version)
    {
        version = default;
        if (!TryParseFixedDigits(text[..4], out var year) || !TryParseFixedDigits(text.Slice(5, 2), out var month)
            || !TryParseFixedDigits(text.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        version = new ApiVersion(new DateOnly(year, month, day));
        return true;
    }

    private static bool TryParseFixedDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
