namespace AuthApp.Api.Users;

/// <summary>Account policy (section <c>Users</c>).</summary>
public sealed class UserOptions
{
    public const string Section = "Users";

    /// <summary>
    /// false (default, the original's behaviour): an unconfirmed address changes nothing. true: registration
    /// mails a confirmation link, and login is refused with <c>email_not_verified</c> (and a new link mailed)
    /// until the address is confirmed.
    /// </summary>
    public bool RequireVerifiedEmail { get; set; }
}
