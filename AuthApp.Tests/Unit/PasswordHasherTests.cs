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

    // 0x01 | PRF=HMACSHA256 | 10000 iterations | 16-byte salt 00..0f | PBKDF2 subkey, built with Python's hashlib.
    private const string IdentityV3 = "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg/Z+V9lwt+dKF0miCMAylvinj7VAFVmY4NcTGLicFFQIg==";

    [Fact]
    public void Verifies_aspnet_identity_v3_hashes_when_configured_and_asks_for_a_rehash()
    {
        var fromIdentity = new PasswordHasher(Options.Create(new PasswordHashingOptions { AcceptIdentityV3 = true }));
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, fromIdentity.Verify(IdentityV3, Password));
        Assert.Equal(PasswordVerification.Failed, fromIdentity.Verify(IdentityV3, "wrong password"));
    }

    [Fact]
    public void Identity_v3_hashes_do_not_log_in_unless_configured() =>
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(IdentityV3, Password));

    [Theory]
    [InlineData(1u, 16u, 32, true)] // Identity's own shape (its default is 100,000 iterations; 1 here, for speed)
    [InlineData(2_000_001u, 16u, 32, false)] // more PBKDF2 iterations than the bound
    [InlineData(uint.MaxValue, 16u, 32, false)] // read as unsigned: no wrap to a negative count
    [InlineData(1u, 4u, 32, false)] // salt too short
    [InlineData(1u, 0xFFFFFFF0u, 32, false)] // a salt length that would wrap 13 + length
    [InlineData(1u, 16u, 8, false)] // subkey too short
    [InlineData(1u, 16u, 65, false)] // subkey too long: an attacker-chosen PBKDF2 output length
    public void Identity_v3_values_outside_the_bounds_fail_without_being_computed(uint iterations, uint saltLength, int subkeyLength, bool logsIn)
    {
        var fromIdentity = new PasswordHasher(Options.Create(new PasswordHashingOptions { AcceptIdentityV3 = true }));
        var salt = new byte[Math.Min(saltLength, 64u)];
        var subkey = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            System.Text.Encoding.UTF8.GetBytes(Password), salt, (int)Math.Min(iterations, 1u), System.Security.Cryptography.HashAlgorithmName.SHA256, subkeyLength);
        var header = new byte[13];
        header[0] = 0x01;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5), iterations);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(9), saltLength);
        var stored = Convert.ToBase64String([.. header, .. salt, .. subkey]);

        var expected = logsIn ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Failed;
        Assert.Equal(expected, fromIdentity.Verify(stored, Password));
    }

    [Theory]
    [InlineData("m=77824,t=2", true)] // 4 × the default memory, at the m·t bound of 4 × 19,456 × 2 KiB-passes
    [InlineData("m=19456,t=8", true)] // the default memory, 4 × its passes
    [InlineData("m=77825,t=1", false)] // over the memory bound
    [InlineData("m=19456,t=9", false)] // under the memory bound, over m·t
    [InlineData("m=262144,t=4", false)] // 256 MiB × 4
    [InlineData("m=1048576,t=20", false)] // the 1 GiB × 20 passes a tampered row asked for
    [InlineData("m=19456,t=2,p=1,m=19456", false)] // a parameter twice (was a 500)
    [InlineData("t=2,m=19456,p=1", false)] // out of order
    [InlineData("m=19456,t=2,p=2", false)] // more lanes than AuthApp writes
    [InlineData("m=7,t=1", false)] // under Argon2's minimum
    [InlineData("m=99999999999,t=1", false)] // does not fit an int
    public void Stored_argon2id_parameters_are_bounded_and_strictly_formed(string parameters, bool verifiable)
    {
        var stored = $"$argon2id$v=19${(parameters.Contains("p=") ? parameters : parameters + ",p=1")}"
            + "$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE";
        Assert.Equal(verifiable, Hasher.IsVerifiableArgon2id(stored));
        if (!verifiable)
        {
            Assert.Equal(PasswordVerification.Failed, Hasher.Verify(stored, Password));
        }
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
