using System.ComponentModel.DataAnnotations;

namespace AuthApp.Admin.Sessions;

/// <summary>Console sign-in settings (section <c>Console:Session</c>).</summary>
public sealed class ConsoleSessionOptions
{
    public const string Section = "Console:Session";

    /// <summary>A console session unused this long ends (and its API session is logged out).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00", ErrorMessage = "Console:Session:IdleTimeout must be between 5 seconds and 1 day.")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A console session ends this long after sign-in however active it is.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Console:Session:AbsoluteLifetime must be between 1 minute and 7 days.")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often an open page re-checks that its session is still alive and its account still staff.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Console:Session:RevalidationInterval must be between 1 second and 1 hour.")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The access token is refreshed this long before it expires.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);
}
