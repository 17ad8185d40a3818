using System.ComponentModel.DataAnnotations;

namespace AuthApp.Api.Audit;

/// <summary>Settings of the audit trail (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long entries are kept; older ones are deleted by <see cref="AuditRetention"/>.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00", ErrorMessage = "Audit:Retention must be between 1 day and 100 years.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How often expired entries are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Audit:CleanupInterval must be between 1 second and 7 days.")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}
