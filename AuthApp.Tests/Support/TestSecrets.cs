namespace AuthApp.Tests.Support;

/// <summary>The secrets every test run hands the app: the HS256 signing key and the seeded superuser's password.</summary>
public static class TestSecrets
{
    public const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef0123456789abcdef";
    /// <summary>The issuer the in-process API is configured with (the AppHost's is the API's own URL).</summary>
    public const string Issuer = "https://authapp.test/";
    public const string SuperuserPassword = "Seeded-Superuser-Pass-91";
}
