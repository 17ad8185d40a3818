using AuthApp.Admin.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// An open page (a Blazor circuit) re-checks its user every <see cref="ConsoleSessionOptions.RevalidationInterval"/>:
/// the console session must still exist and the API must still see an active staff account; otherwise the page
/// loses its user and goes to sign-in. An API outage is not a reason to sign anyone out.
/// </summary>
public sealed class ConsoleAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    ConsoleSessionStore store,
    IServiceScopeFactory scopes,
    IOptions<ConsoleSessionOptions> options) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var session = store.Find(ConsoleClaims.SessionIdOf(authenticationState.User));
        if (session is null)
        {
            return false;
        }
        await using var scope = scopes.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<SessionTokens>();
        var auth = scope.ServiceProvider.GetRequiredService<ApiAuthClient>();
        try
        {
            var me = await auth.MeAsync(await tokens.AccessTokenAsync(session, cancellationToken), session.ClientAddress, cancellationToken);
            if (me.Value is { IsActive: true, IsStaff: true })
            {
                return true;
            }
            store.Remove(session.Id);
            return false;
        }
        catch (ConsoleSessionEndedException)
        {
            return false;
        }
        catch (ApiUnavailableException)
        {
            return true;
        }
    }
}
