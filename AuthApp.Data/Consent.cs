namespace AuthApp.Data;

/// <summary>
/// A person let a third-party app (a client that asks for consent: registered by staff, not declared in the AppHost)
/// act with these scopes. The authorize endpoint asks again only for scopes not granted yet; withdrawing it from the
/// account page deletes the row and ends the app's sessions.
/// </summary>
public sealed class Consent
{
    public Guid UserId { get; set; }
    public User? User { get; set; }

    public required string ClientId { get; set; }

    public List<string> Scopes { get; set; } = [];

    public DateTimeOffset GrantedAt { get; set; }
}
