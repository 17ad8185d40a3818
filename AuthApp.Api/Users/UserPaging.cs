using System.Linq.Expressions;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Users;

/// <summary>Keyset paging over users by (date_joined, id), shared by the public and the admin list.</summary>
public static class UserPaging
{
    /// <summary>Reads <c>cursor</c> and <c>limit</c>; problems go into <paramref name="errors"/>.</summary>
    public static PageQuery ReadQuery(string? cursor, string? limit, FieldErrors errors)
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

    public static async Task<Page<TRow>> PageAsync<TRow>(
        IQueryable<User> users, PageQuery page, Expression<Func<User, TRow>> project,
        Func<TRow, KeysetCursor> positionOf, CancellationToken ct)
    {
        var limit = page.Limit;
        if (page.After is { } cursor)
        {
            users = users.Where(u => EF.Functions.GreaterThan(
                ValueTuple.Create(u.DateJoined, u.Id), ValueTuple.Create(cursor.DateJoined, cursor.Id)));
        }
        // One row more than asked tells whether there is a next page without a COUNT.
        var rows = await users.OrderBy(u => u.DateJoined).ThenBy(u => u.Id).Take(limit + 1).Select(project).ToListAsync(ct);
        var next = rows.Count > limit ? positionOf(rows[limit - 1]).Encode() : null;
        return new Page<TRow>(rows.Take(limit).ToList(), next) { Limit = limit };
    }
}
