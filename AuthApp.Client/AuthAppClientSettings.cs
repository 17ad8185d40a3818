namespace AuthApp.Client;

/// <summary>What a service does when it cannot tell whether a token was revoked (AuthApp unreachable for too long).</summary>
public enum RevocationUnknownPolicy
{
    /// <summary>Answer 503 with Retry-After (the default): a logged-out user's token is never accepted.</summary>
    Refuse,

    /// <summary>Accept tokens whose signature, issuer, audience and lifetime are valid: the service stays up, logouts wait.</summary>
    Accept,
}

/// <summary>
/// Settings of the client integration, from the configuration section <c>AuthApp</c>; the AppHost's
/// <c>.WithAuthApp(api)</c> sets the client's id, secret and audience.
/// </summary>
public sealed class AuthAppClientSettings
{
    public const string Section = "AuthApp";

    /// <summary>AuthApp's base URL. Unset, <c>https+http://{service name}</c>, found by service discovery.</summary>
    public string? Authority { get; set; }

    /// <summary>This service's client id (the AppHost uses its resource name).</summary>
    public string? ClientId { get; set; }

    /// <summary>This service's client secret (the AppHost's generated <c>{name}-client-secret</c> parameter).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The <c>aud</c> that other services' tokens carry when they are for this service (its resource name).</summary>
    public string? Audience { get; set; }

    /// <summary>Users' access tokens carry AuthApp's <c>Jwt:Audience</c>; accept them too (true by default).</summary>
    public bool AcceptUserTokens { get; set; } = true;

    public string UserTokenAudience { get; set; } = "authapp-clients";

    /// <summary>How often the revocation feed is read: the usual delay before a logout reaches this service.</summary>
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After this long without a successful read, revocation status is unknown and <see cref="WhenRevocationUnknown"/> applies.</summary>
    public TimeSpan RevocationMaxStaleness { get; set; } = TimeSpan.FromSeconds(3);

    public RevocationUnknownPolicy WhenRevocationUnknown { get; set; } = RevocationUnknownPolicy.Refuse;

    /// <summary>
    /// The least time between two re-reads of AuthApp's key set prompted by tokens with an unknown kid (a key rotated
    /// since the last read): made-up kids cost AuthApp at most one read per interval per service instance.
    /// </summary>
    public TimeSpan KeySetRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long before its expiry a client-credentials token is renewed.</summary>
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromSeconds(60);

    internal Uri AuthorityUri(string serviceName) => new((Authority ?? $"https+http://{serviceName}").TrimEnd('/') + "/");
}
