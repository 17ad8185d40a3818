using System.ComponentModel.DataAnnotations;

namespace AuthApp.Api.Recovery;

/// <summary>Account recovery and address confirmation (section <c>Recovery</c>).</summary>
public sealed class RecoveryOptions
{
    public const string Section = "Recovery";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ResetTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan ConfirmationTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Forgot-password requests waiting for the background lookup; past this, more are dropped (and counted).</summary>
    [Range(1, 1_000_000)]
    public int ForgotQueueCapacity { get; set; } = 1000;
}
