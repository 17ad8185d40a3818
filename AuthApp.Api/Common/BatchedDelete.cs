using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Common;

/// <summary>Deletes for the API's background clean-ups, which run under the request path's short command timeout.</summary>
public static class BatchedDelete
{
    /// <summary>
    /// Rows per DELETE: each statement stays well inside the command timeout however large the backlog (the first run
    /// after an upgrade, after a shorter retention is configured, or after the job was down), and holds its locks briefly.
    /// </summary>
    public const int BatchSize = 5_000;

    /// <summary>Deletes the matching rows a batch at a time; returns how many went.</summary>
    public static async Task<int> ExecuteDeleteInBatchesAsync<T>(this IQueryable<T> rows, CancellationToken ct)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await rows.Take(BatchSize).ExecuteDeleteAsync(ct);
            total += deleted;
        }
        while (deleted == BatchSize);
        return total;
    }
}
