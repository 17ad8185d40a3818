namespace AuthApp.Api.Throttling;

/// <summary>A limit of <see cref="Limit"/> events per <see cref="Window"/>.</summary>
public sealed class ThrottleRule
{
    public int Limit { get; set; }
    public TimeSpan Window { get; set; }

    public bool IsValid => Limit >= 1 && Window >= TimeSpan.FromSeconds(1) && Window <= TimeSpan.FromDays(1);
}

/// <summary>
/// Brute-force and flood limits (section <c>Throttling</c>), counted in Redis so every API instance shares them.
/// Per identifier: failed logins for one submitted e-mail/username, whether or not the account exists.
/// Per address: requests from one client address to login, register, refresh and the recovery routes.
/// Per e-mail: forgot-password and confirmation requests for one address, whether or not it has an account.
/// </summary>
public sealed class ThrottleOptions
{
    public const string Section = "Throttling";

    public ThrottleRule LoginFailuresPerIdentifier { get; set; } = new() { Limit = 10, Window = TimeSpan.FromMinutes(15) };
    public ThrottleRule LoginPerAddress { get; set; } = new() { Limit = 20, Window = TimeSpan.FromMinutes(1) };
    public ThrottleRule RegisterPerAddress { get; set; } = new() { Limit = 10, Window = TimeSpan.FromMinutes(10) };
    public ThrottleRule RefreshPerAddress { get; set; } = new() { Limit = 120, Window = TimeSpan.FromMinutes(1) };
    public ThrottleRule ForgotPerAddress { get; set; } = new() { Limit = 10, Window = TimeSpan.FromMinutes(15) };
    public ThrottleRule ForgotPerEmail { get; set; } = new() { Limit = 5, Window = TimeSpan.FromHours(1) };
    public ThrottleRule ResetPerAddress { get; set; } = new() { Limit = 20, Window = TimeSpan.FromMinutes(15) };
    public ThrottleRule ConfirmPerAddress { get; set; } = new() { Limit = 20, Window = TimeSpan.FromMinutes(15) };
    public ThrottleRule ResendPerAddress { get; set; } = new() { Limit = 10, Window = TimeSpan.FromMinutes(15) };
    public ThrottleRule ResendPerEmail { get; set; } = new() { Limit = 5, Window = TimeSpan.FromHours(1) };

    /// <summary>The anonymous public list: a page every 200 ms on average is plenty for a person, not for a scraper.</summary>
    public ThrottleRule UserListPerAddress { get; set; } = new() { Limit = 300, Window = TimeSpan.FromMinutes(1) };

    public IEnumerable<ThrottleRule> Rules =>
    [
        LoginFailuresPerIdentifier, LoginPerAddress, RegisterPerAddress, RefreshPerAddress,
        ForgotPerAddress, ForgotPerEmail, ResetPerAddress, ConfirmPerAddress, ResendPerAddress, ResendPerEmail,
        UserListPerAddress,
    ];
}
