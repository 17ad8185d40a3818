using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.SignIn;

/// <summary>An app the person allowed, for the account page.</summary>
public sealed record AllowedApp(string ClientId, IReadOnlyList<string> Scopes, DateTimeOffset GrantedAt);

/// <summary>
/// What people allowed third-party apps (<see cref="Consent"/>): asked once per app for the scopes it requests, asked
/// again only for a scope not granted yet; withdrawn from the account page, which ends the app's sessions too.
/// </summary>
public sealed class ConsentStore(AuthDbContext db, SessionRevoker revoker)
{
    public async Task<bool> CoversAsync(Guid userId, string clientId, IEnumerable<string> scopes, CancellationToken ct)
    {
        var granted = await db.Consents.AsNoTracking().Where(c => c.UserId == userId && c.ClientId == clientId)
            .Select(c => c.Scopes).FirstOrDefaultAsync(ct);
        return granted is not null && scopes.All(granted.Contains);
    }

    /// <summary>Adds the scopes to what the person already allowed the app (one statement: two tabs allowing at once both land).</summary>
    public Task GrantAsync(Guid userId, string clientId, IEnumerable<string> scopes, DateTimeOffset now, CancellationToken ct)
    {
        var requested = scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO consents (user_id, client_id, scopes, granted_at) VALUES ({userId}, {clientId}, {requested}, {now})
            ON CONFLICT (user_id, client_id) DO UPDATE
            SET scopes = ARRAY(SELECT DISTINCT unnest(consents.scopes || EXCLUDED.scopes) ORDER BY 1), granted_at = EXCLUDED.granted_at
            """, ct);
    }

    public async Task<IReadOnlyList<AllowedApp>> ListAsync(Guid userId, CancellationToken ct) =>
        await db.Consents.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.ClientId)
            .Select(c => new AllowedApp(c.ClientId, c.Scopes, c.GrantedAt)).ToListAsync(ct);

    /// <summary>The app loses the person's consent and every session it holds for them (its tokens stop at once).</summary>
    public async Task WithdrawAsync(Guid userId, string clientId, DateTimeOffset now, CancellationToken ct)
    {
        await db.Consents.Where(c => c.UserId == userId && c.ClientId == clientId).ExecuteDeleteAsync(ct);
        var sessions = await db.Sessions.Where(s => s.UserId == userId && s.ClientId == clientId && s.RevokedAt == null)
            .Select(s => s.Id).ToListAsync(ct);
        foreach (var session in sessions)
        {
            await revoker.RevokeSessionAsync(session, SessionRevocationReasons.ConsentWithdrawn, now, ct);
        }
    }
}
