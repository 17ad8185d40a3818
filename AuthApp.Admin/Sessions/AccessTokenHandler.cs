using System.Net;
using System.Net.Http.Headers;
using AuthApp.Admin.Api;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// Gives each API call the console session's access token (refreshed when due) and the staff member's address.
/// A 401 or 403 means the API ended the session — logout elsewhere, deactivation, staff removed — so the
/// console session ends with it and the page sends the browser to sign-in.
/// </summary>
public sealed class AccessTokenHandler(ConsoleSessionStore store, SessionTokens tokens) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> SessionIdKey = new("authapp.console.session");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(SessionIdKey, out var sessionId);
        var session = store.Find(sessionId) ?? throw new ConsoleSessionEndedException("Your session has ended. Sign in again.");
        store.Touch(session, clientAddress: null);

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.AccessTokenAsync(session, cancellationToken));
        request.Headers.Remove(ApiCalls.ForwardedForHeader);
        if (session.ClientAddress is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiCalls.ForwardedForHeader, session.ClientAddress);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            store.Remove(session.Id);
            throw new ConsoleSessionEndedException("Your session has ended or your account is no longer staff. Sign in again.");
        }
        return response;
    }
}
