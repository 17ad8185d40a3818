using System.Linq.Expressions;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Users;

/// <summary>Keyset paging over users by (date_joined, id), shared by the public and the admin list.</summary>
public static class UserPaging
{
    public static async Task<Page<TRow>> PageAsync<TRow>(
        IQueryable<User> users, PageQuery page, Expression<Func<User, TRow>> project,
        Func<TRow, KeysetCursor> positionOf, CancellationToken ct)
    {
        var limit = page.Limit;
        if (page.After is { } cursor)
        {
            users = users.Where(u => EF.Functions.GreaterThan(
                ValueTuple.Create(u.DateJoined, u.Id), ValueTuple.Create(cursor.At, cursor.Id)));
        }
        var rows = await users.OrderBy(u => u.DateJoined).ThenBy(u => u.Id).Take(limit + 1).Select(project).ToListAsync(ct);
        return Page<TRow>.FromRows(rows, limit, positionOf);
    }
}
