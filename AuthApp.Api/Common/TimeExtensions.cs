namespace AuthApp.Api.Common;

public static class TimeExtensions
{
    /// <summary>PostgreSQL keeps microseconds; trimming first makes a response match what a later read returns (and what cursors hold).</summary>
    public static DateTimeOffset TruncateToMicroseconds(this DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);
}
