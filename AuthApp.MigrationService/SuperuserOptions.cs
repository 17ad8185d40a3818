namespace AuthApp.MigrationService;

/// <summary>Django's createsuperuser, from configuration (<c>Superuser:Email</c>, <c>Superuser:Username</c>, <c>Superuser:Password</c>).</summary>
public sealed class SuperuserOptions
{
    public const string Section = "Superuser";

    public string? Email { get; set; }
    public string Username { get; set; } = "superuser";
    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrWhiteSpace(Password);
}
