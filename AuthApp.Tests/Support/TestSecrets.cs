namespace AuthApp.Tests.Support;

/// <summary>The secrets every test run hands the app: the HS256 signing key and the seeded superuser's password.</summary>
public static class TestSecrets
{
    public const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string SuperuserPassword = "Seeded-Superuser-Pass-91";
}
