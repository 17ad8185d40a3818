using System.Net.Http.Headers;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Options;

namespace AuthApp.Client;

/// <summary>
/// This service's own access token, from AuthApp's token endpoint (client credentials, with Duende.IdentityModel's
/// client), cached until <see cref="AuthAppClientSettings.TokenRenewalMargin"/> before it expires. However many
/// calls need it at once, one request goes to AuthApp: the others wait for that one.
/// </summary>
public sealed class ClientCredentialsTokens(
    IHttpClientFactory http, IOptions<AuthAppClientSettings> settings, AuthAppEndpoint endpoint, TimeProvider time)
{
    public const string HttpClientName = "AuthApp.Token";

    private readonly SemaphoreSlim _renewal = new(1, 1);
    private volatile CachedToken? _current;

    /// <summary>How many tokens this process has obtained (one per renewal).</summary>
    public int Obtained => _obtained;
    private int _obtained;

    public async ValueTask<string> GetAsync(CancellationToken ct)
    {
        if (_current is { } cached && cached.RenewAt > time.GetUtcNow())
        {
            return cached.Token;
        }
        await _renewal.WaitAsync(ct);
        try
        {
            if (_current is { } fresh && fresh.RenewAt > time.GetUtcNow())
            {
                return fresh.Token; // renewed by the call we waited for
            }
            _current = await RequestAsync(ct);
            return _current.Token;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>Forget the cached token (AuthApp refused it: revoked, or the client's secret rotated).</summary>
    public void Invalidate(string token)
    {
        if (_current?.Token == token)
        {
            _current = null;
        }
    }

    private async Task<CachedToken> RequestAsync(CancellationToken ct)
    {
        var options = settings.Value;
        var response = await http.CreateClient(HttpClientName).RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = new Uri(endpoint.BaseUri, "connect/token").AbsoluteUri,
            ClientId = options.ClientId ?? throw new InvalidOperationException("AuthApp:ClientId is not set (the AppHost's .WithAuthApp(api) sets it)."),
            ClientSecret = options.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
        }, ct);
        if (response.IsError || response.AccessToken is null)
        {
            throw new HttpRequestException($"AuthApp refused a client-credentials token: {response.Error} {response.ErrorDescription}".Trim());
        }
        Interlocked.Increment(ref _obtained);
        var lifetime = TimeSpan.FromSeconds(Math.Max(1, response.ExpiresIn));
        var margin = lifetime > options.TokenRenewalMargin * 2 ? options.TokenRenewalMargin : lifetime / 2;
        return new CachedToken(response.AccessToken, time.GetUtcNow() + lifetime - margin);
    }

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);
}

/// <summary>Adds this service's token to each outgoing call; on a 401 it renews the token once and retries.</summary>
internal sealed class ClientCredentialsHandler(ClientCredentialsTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        // Only a bodiless request is sent twice: a streamed body cannot be read again.
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || request.Content is not null)
        {
            return response;
        }
        tokens.Invalidate(token);
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
