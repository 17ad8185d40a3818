using System.Text.Json;
using Microsoft.Playwright;

namespace AuthApp.Tests.Support;

/// <summary>
/// A passkey authenticator inside Chromium, through the DevTools WebAuthn domain: internal (a platform authenticator,
/// like a laptop's fingerprint reader), CTAP2, keeping discoverable credentials and verifying the person at once. It
/// belongs to the page it was added to, and lives as long as this session.
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;
    private readonly string _id;

    private VirtualAuthenticator(ICDPSession cdp, string id) => (_cdp, _id) = (cdp, id);

    public static async Task<VirtualAuthenticator> AddAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["ctap2Version"] = "ctap2_1", ["transport"] = "internal",
                ["hasResidentKey"] = true, ["hasUserVerification"] = true, ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new VirtualAuthenticator(cdp, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>The credentials it holds (id, rpId, private key, user handle, signature counter), as DevTools describes them.</summary>
    public async Task<IReadOnlyList<JsonElement>> CredentialsAsync()
    {
        var got = await _cdp.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = _id });
        return [.. got!.Value.GetProperty("credentials").EnumerateArray().Select(c => c.Clone())];
    }

    /// <summary>
    /// Replaces a credential by a copy of it whose counter stands at <paramref name="signCount"/>: what a cloned
    /// authenticator presents once the original has been used since the copy was made.
    /// </summary>
    public async Task ReplaceWithCopyAsync(JsonElement credential, int signCount)
    {
        var id = credential.GetProperty("credentialId").GetString()!;
        await _cdp.SendAsync("WebAuthn.removeCredential", new() { ["authenticatorId"] = _id, ["credentialId"] = id });
        await _cdp.SendAsync("WebAuthn.addCredential", new()
        {
            ["authenticatorId"] = _id,
            ["credential"] = new Dictionary<string, object>
            {
                ["credentialId"] = id, ["isResidentCredential"] = true, ["rpId"] = credential.GetProperty("rpId").GetString()!,
                ["privateKey"] = credential.GetProperty("privateKey").GetString()!,
                ["userHandle"] = credential.GetProperty("userHandle").GetString()!, ["signCount"] = signCount,
            },
        });
    }
}
