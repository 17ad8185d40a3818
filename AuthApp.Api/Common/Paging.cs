using System.Buffers.Text;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text;

namespace AuthApp.Api.Common;

/// <summary>
/// An opaque position in a list ordered by a time and an id (users by date_joined, sessions by created_at, audit
/// entries by occurred_at). Keyset paging costs the same on page 1 and page 100 000, unlike OFFSET, and never skips
/// or repeats rows when rows are added meanwhile.
/// </summary>
public readonly record struct KeysetCursor(DateTimeOffset At, Guid Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{Id:N}"));

    public static bool TryDecode(string? text, out KeysetCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
        {
            return true; // first page
        }
        if (text.Length > 128)
        {
            return false;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('_');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) &&
                ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks &&
                Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new KeysetCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}

/// <summary>Reads <c>limit</c> (default 10, 1–100) the same way for every list.</summary>
public static class PageLimit
{
    public const int Default = 10;
    public const int Max = 100;

    public static bool TryParse(string? text, out int limit)
    {
        limit = Default;
        return string.IsNullOrEmpty(text) ||
               (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= Max);
    }

    /// <summary>The page with <see cref="Page{T}.Next"/> turned from a cursor into the next page's URL.</summary>
    public static Page<T> WithNextUrl<T>(this Page<T> page, HttpRequest request, params (string Name, string? Value)[] keep) =>
        page.Next is null ? page : page with { Next = NextUrl(request, page.Next, page.Limit, keep) };

    /// <summary>The URL of the next page: this request's URL with the new cursor.</summary>
    private static string NextUrl(HttpRequest request, string cursor, int limit, params (string Name, string? Value)[] keep)
    {
        var query = new List<string>();
        foreach (var (name, value) in keep)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        query.Add($"cursor={cursor}");
        query.Add($"limit={limit}");
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', query)}";
    }
}

/// <summary>A page to read: after which position, and how many rows.</summary>
public readonly record struct PageQuery(KeysetCursor? After, int Limit)
{
    /// <summary>Reads <c>cursor</c> and <c>limit</c> the same way for every list; problems go into <paramref name="errors"/>.</summary>
    public static PageQuery Read(string? cursor, string? limit, FieldErrors errors)
    {
        if (!PageLimit.TryParse(limit, out var pageSize))
        {
            errors.Add("limit", $"Ensure this value is a whole number from 1 to {PageLimit.Max}.");
        }
        if (!KeysetCursor.TryDecode(cursor, out var after))
        {
            errors.Add("cursor", "Invalid cursor.");
        }
        return new PageQuery(after, pageSize);
    }
}

/// <summary>A page of a list: <see cref="Next"/> is the next page's cursor from the service, its URL on the wire.</summary>
public sealed record Page<T>(IReadOnlyList<T> Results, string? Next)
{
    /// <summary>
    /// The page from up to <paramref name="limit"/> + 1 rows read in list order: one row more than asked tells
    /// whether there is a next page without a COUNT, and the last row shown is where it starts.
    /// </summary>
    public static Page<T> FromRows(List<T> rows, int limit, Func<T, KeysetCursor> positionOf) =>
        new(rows.Take(limit).ToList(), rows.Count > limit ? positionOf(rows[limit - 1]).Encode() : null) { Limit = limit };

    /// <summary>The page size asked for, kept in the next page's URL.</summary>
    [JsonIgnore]
    public int Limit { get; init; }
}
