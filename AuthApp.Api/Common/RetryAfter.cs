using System.Globalization;

namespace AuthApp.Api.Common;

public static class RetryAfter
{
    /// <summary>Sets Retry-After in whole seconds (at least 1), as RFC 9110 wants it.</summary>
    public static void SetRetryAfter(this HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
