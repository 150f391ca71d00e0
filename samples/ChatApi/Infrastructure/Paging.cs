using System.Globalization;

namespace ChatApi.Infrastructure;

/// <summary>A validated page request: at most <see cref="First"/> items strictly after <see cref="After"/>.</summary>
internal readonly record struct PageRequest(int First, Cursor? After)
{
    /// <summary>Validates the raw <c>first</c> and <c>after</c> query values.</summary>
    /// <returns><see langword="true"/> when both are valid; otherwise the field-level errors are in <paramref name="errors"/>.</returns>
    public static bool TryCreate(string? first, string? after, out PageRequest page, out Dictionary<string, string[]> errors)
    {
        var validation = new ValidationErrors();
        var size = ChatApiDefaults.DefaultPageSize;
        if (first is not null
            && (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out size)
                || size < 1
                || size > ChatApiDefaults.MaxPageSize))
        {
            validation.Add("first", $"'first' must be an integer between 1 and {ChatApiDefaults.MaxPageSize}.");
        }

        Cursor? cursor = null;
        if (after is not null)
        {
            if (Cursor.TryDecode(after, out var decoded))
            {
                cursor = decoded;
            }
            else
            {
                validation.Add("after", "'after' is not a cursor returned by this API (use pageInfo.endCursor).");
            }
        }

        page = new PageRequest(size, cursor);
        errors = validation.ToDictionary();
        return !validation.HasErrors;
    }
}

/// <summary>One page read from a store, with the key of every item so the end cursor can be built.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, bool HasNextPage, Cursor? EndCursor)
{
    /// <summary>Builds a page from up to <c>first + 1</c> rows: the extra row only proves a next page exists.</summary>
    public static Page<T> FromOverfetch(List<T> rows, int first, Func<T, Cursor> keyOf)
    {
        var hasNext = rows.Count > first;
        if (hasNext)
        {
            rows.RemoveRange(first, rows.Count - first);
        }

        return new Page<T>(rows, hasNext, rows.Count == 0 ? null : keyOf(rows[^1]));
    }

    public PageResponse<TResponse> ToResponse<TResponse>(Func<T, TResponse> map) =>
        new([.. Items.Select(map)], new PageInfo(HasNextPage, EndCursor?.Encode()));
}

/// <summary>The JSON shape of every list: <c>{ "items": [...], "pageInfo": { ... } }</c>.</summary>
internal sealed record PageResponse<T>(IReadOnlyList<T> Items, PageInfo PageInfo);

/// <summary>
/// Where the page ends. Pass <see cref="EndCursor"/> as <c>after</c> to read the next page; it is
/// <see langword="null"/> only for an empty page.
/// </summary>
internal sealed record PageInfo(bool HasNextPage, string? EndCursor);
