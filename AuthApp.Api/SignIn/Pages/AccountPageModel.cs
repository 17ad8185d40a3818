using AuthApp.Api.Throttling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// What every form page of AuthApp's own does the same way: the JSON API's per-address throttles on the same counters
/// (the pages are no way around them), and its errors shown as a message and messages beside each field.
/// </summary>
public abstract class AccountPageModel : PageModel
{
    public string? Message { get; protected set; }

    public IReadOnlyDictionary<string, string[]> FieldErrors { get; private set; } = new Dictionary<string, string[]>();

    public IReadOnlyList<string> ErrorsFor(string field) => FieldErrors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>Counts this attempt against the address's limit for <paramref name="kind"/>; null when it may go on.</summary>
    protected async Task<IActionResult?> ThrottleAsync(string kind, Func<ThrottleOptions, ThrottleRule> rule)
    {
        var gate = await AddressThrottleFilter.HitAsync(HttpContext, kind, rule);
        return gate.Allowed
            ? null
            : Refuse(new Error(ErrorCodes.RateLimited, "Too many attempts from this address; try again later.", RetryAfter: gate.RetryAfter));
    }

    /// <summary>An error for the page's script (passkey options): its code and message, with the status the JSON API gives it.</summary>
    protected JsonResult JsonProblem(Error error)
    {
        if (error.RetryAfter is { } wait)
        {
            Response.SetRetryAfter(wait);
        }
        return new JsonResult(new { code = error.Code, detail = error.Detail }) { StatusCode = OutcomeResults.StatusOf(error.Code) };
    }

    /// <summary>The form again, with the error's message or field messages and its status (429 and Retry-After when waiting helps).</summary>
    protected PageResult Refuse(Error error)
    {
        FieldErrors = error.Fields ?? new Dictionary<string, string[]>();
        Message = error.Fields is { Count: > 0 } ? "Check the fields below." : error.Detail;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        if (error.RetryAfter is { } wait)
        {
            Response.SetRetryAfter(wait);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
        }
        return Page();
    }
}
