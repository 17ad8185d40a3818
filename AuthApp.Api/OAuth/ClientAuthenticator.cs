using System.Net.Http.Headers;
using System.Text;
using AuthApp.Data.OAuth;
using OpenIddict.Abstractions;

namespace AuthApp.Api.OAuth;

/// <summary>
/// HTTP Basic client authentication (RFC 6749 §2.3.1) for AuthApp's own client routes, checked by OpenIddict's
/// application manager: the client exists, is enabled, its secret matches, and it holds the permission.
/// </summary>
public sealed class ClientAuthenticator(IOpenIddictApplicationManager clients)
{
    public async Task<OAuthClient?> AuthenticateAsync(HttpRequest request, string permission, CancellationToken ct)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) ||
            !TryDecode(header.Parameter, out var clientId, out var secret))
        {
            return null;
        }
        if (await clients.FindByClientIdAsync(clientId, ct) is not OAuthClient client || client.DisabledAt is not null ||
            !await clients.ValidateClientSecretAsync(client, secret, ct) || !await clients.HasPermissionAsync(client, permission, ct))
        {
            return null;
        }
        return client;
    }

    /// <summary>client_id:client_secret, each form-urlencoded before the Base64 (RFC 6749 §2.3.1).</summary>
    private static bool TryDecode(string? parameter, out string clientId, out string secret)
    {
        clientId = secret = "";
        if (string.IsNullOrEmpty(parameter) || parameter.Length > 1024)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[parameter.Length];
        if (!Convert.TryFromBase64String(parameter, bytes, out var written))
        {
            return false;
        }
        var text = Encoding.UTF8.GetString(bytes[..written]);
        var colon = text.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }
        clientId = Uri.UnescapeDataString(text[..colon].Replace('+', ' '));
        secret = Uri.UnescapeDataString(text[(colon + 1)..].Replace('+', ' '));
        return secret.Length > 0;
    }
}
