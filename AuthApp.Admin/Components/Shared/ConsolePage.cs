using AuthApp.Admin.Api;
using AuthApp.Admin.Sessions;
using Microsoft.AspNetCore.Components;

namespace AuthApp.Admin.Components.Shared;

/// <summary>
/// What every console page does with an API call: an outage raises the layout's banner, an ended session sends the
/// browser to sign-in, and anything else (a value or the API's problem) goes back to the page.
/// </summary>
public abstract class ConsolePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();

    [Inject] protected AdminApiClient Api { get; set; } = default!;
    [Inject] protected ApiStatus Status { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected CancellationToken PageClosed => _disposed.Token;

    /// <summary>The call's result, or null when the API was unavailable or the session ended (both already handled).</summary>
    protected async Task<ApiResult<T>?> CallAsync<T>(Func<CancellationToken, Task<ApiResult<T>>> call)
    {
        try
        {
            var result = await call(PageClosed);
            Status.Answered();
            return result;
        }
        catch (ApiUnavailableException failure)
        {
            Status.Failed(failure);
            return null;
        }
        catch (ConsoleSessionEndedException)
        {
            var returnUrl = Uri.EscapeDataString("/" + Navigation.ToBaseRelativePath(Navigation.Uri));
            Navigation.NavigateTo($"{ConsoleSessionsSetup.SignInPath}?ended=1&returnUrl={returnUrl}", forceLoad: true);
            return null;
        }
    }

    protected static string When(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'") : "never";

    public virtual void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
