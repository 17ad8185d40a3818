namespace AuthApp.Api.Auth;

/// <summary>
/// The seam between a login's password check and the opening of its session: nothing happens here in the app. Tests
/// replace it with a barrier to hold a login exactly there while a reset or a staff action commits, so that the race a
/// stolen-password attacker would try is forced deterministically rather than hoped for.
/// </summary>
public class LoginPhases
{
    public virtual Task PasswordVerifiedAsync(Guid userId, CancellationToken ct) => Task.CompletedTask;
}
