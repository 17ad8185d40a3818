using AuthApp.Data.Passwords;
using AuthApp.Api.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.Tests.Unit;

public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";
    private static readonly PasswordHasher Hasher = new(Options.Create(new PasswordHashingOptions()));

    [Fact]
    public void New_hashes_are_argon2id_phc_strings_with_owasp_parameters()
    {
        var hash = Hasher.Hash(Password);
        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", hash);
        Assert.NotEqual(hash, Hasher.Hash(Password)); // a fresh salt every time
    }

    [Fact]
    public void Argon2id_round_trip_accepts_the_password_and_rejects_others()
    {
        var hash = Hasher.Hash(Password);
        Assert.Equal(PasswordVerification.Success, Hasher.Verify(hash, Password));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(hash, Password + "!"));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(hash, ""));
    }

    [Fact]
    public void Verifies_a_hash_made_by_the_reference_argon2_implementation()
    {
        // echo -n 'correct horse battery staple' | argon2 saltsaltsaltsalt -id -t 2 -m 15 -p 1 -l 32 -e
        const string reference = "$argon2id$v=19$m=32768,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE";
        Assert.Equal(PasswordVerification.Success, Hasher.Verify(reference, Password));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(reference, "Correct horse battery staple"));
    }

    [Fact]
    public void Argon2id_hashes_weaker_than_the_configured_cost_ask_for_a_rehash()
    {
        var weak = new PasswordHasher(Options.Create(new PasswordHashingOptions { MemorySizeKiB = 8192, Iterations = 1 }));
        var hash = weak.Hash(Password);
        Assert.Contains("m=8192,t=1", hash);
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, Hasher.Verify(hash, Password));
    }

    [Fact]
    public void Verifies_django_pbkdf2_sha256_and_asks_for_a_rehash()
    {
        // Python: base64(hashlib.pbkdf2_hmac('sha256', password, b'seasalt123', 1000))
        const string django = "pbkdf2_sha256$1000$seasalt123$mi/mouJNitkW01F5F1gueFuRlWbcQkpDEMxeAA/Xa9k=";
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, Hasher.Verify(django, Password));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(django, "wrong password"));
    }

    [Fact]
    public void Verifies_aspnet_identity_v3_hashes_and_asks_for_a_rehash()
    {
        // 0x01 | PRF=HMACSHA256 | 10000 iterations | 16-byte salt 00..0f | PBKDF2 subkey, built with Python's hashlib.
        const string identity = "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg/Z+V9lwt+dKF0miCMAylvinj7VAFVmY4NcTGLicFFQIg==";
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, Hasher.Verify(identity, Password));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(identity, "wrong password"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$argon2id$v=19$m=x,t=2,p=1$c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE")]
    [InlineData("$argon2id$v=19$m=4194305,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE")]
    [InlineData("$argon2id$v=19$m=19456,t=101,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2g")]
    [InlineData("pbkdf2_sha256$notanumber$salt$aGFzaA==")]
    [InlineData("bcrypt$$2b$12$abcdefghijklmnopqrstuv")]
    [InlineData("AQAAAAkAACcQAAAAEAABAgMEBQYHCAkKCwwNDg8=")]
    public void Malformed_or_unknown_hashes_fail_without_throwing(string stored) =>
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(stored, Password));

    [Fact]
    public void The_dummy_verification_always_fails() =>
        Assert.Equal(PasswordVerification.Failed, Hasher.VerifyAgainstDummy(Password));
}
