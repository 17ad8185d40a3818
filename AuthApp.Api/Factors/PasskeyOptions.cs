using Microsoft.Extensions.Options;

namespace AuthApp.Api.Factors;

/// <summary>
/// <c>Passkeys:*</c>: who the relying party is. <see cref="RelyingPartyId"/> is the domain passkeys are bound to (the
/// sign-in pages' host, or a parent domain of it); <see cref="Origins"/> are the exact origins (scheme, host, port) of the
/// pages that run the ceremonies. With no origins, passkeys are off and their routes answer 404 passkeys_unavailable. The
/// AppHost sets both to the API's own address (localhost); a deployment sets its public one.
/// </summary>
public sealed class PasskeyOptions
{
    public const string Section = "Passkeys";

    public string? RelyingPartyId { get; set; }
    public string RelyingPartyName { get; set; } = "AuthApp";
    public List<string> Origins { get; set; } = [];

    /// <summary>How long a browser has to answer a ceremony (WebAuthn's own timeout is the same).</summary>
    public TimeSpan CeremonyLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Passkeys one account may hold.</summary>
    public int MaximumPerAccount { get; set; } = 20;

    public bool Enabled => Origins.Count > 0;
}

/// <summary>Start-up refuses a relying party no browser would accept, with the setting to change.</summary>
public sealed class PasskeyOptionsValidator : IValidateOptions<PasskeyOptions>
{
    public ValidateOptionsResult Validate(string? name, PasskeyOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }
        var rpId = options.RelyingPartyId;
        if (string.IsNullOrWhiteSpace(rpId) || rpId.Contains(':') || rpId.Contains('/') || System.Net.IPAddress.TryParse(rpId, out _))
        {
            return ValidateOptionsResult.Fail(
                "Passkeys:RelyingPartyId must be a domain name (such as auth.example.com or localhost), not an address or a URL.");
        }
        foreach (var origin in options.Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.PathAndQuery != "/" || uri.Fragment.Length > 0)
            {
                return ValidateOptionsResult.Fail($"Passkeys:Origins: '{origin}' is not an origin (scheme://host[:port]).");
            }
            if (!uri.Host.Equals(rpId, StringComparison.OrdinalIgnoreCase) && !uri.Host.EndsWith("." + rpId, StringComparison.OrdinalIgnoreCase))
            {
                return ValidateOptionsResult.Fail($"Passkeys:Origins: '{origin}' is not on Passkeys:RelyingPartyId '{rpId}' or a subdomain of it.");
            }
            if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            {
                return ValidateOptionsResult.Fail($"Passkeys:Origins: '{origin}' must use https (browsers allow plain http on localhost only).");
            }
        }
        return ValidateOptionsResult.Success;
    }
}
