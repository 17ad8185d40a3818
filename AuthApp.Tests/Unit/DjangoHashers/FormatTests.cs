using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>Which values are Django's (and so routed here), and that anything else fails closed without throwing.</summary>
public sealed class FormatTests
{
    [Theory]
    [InlineData("pbkdf2_sha256$1000000$salt$hash", DjangoHashFormat.Pbkdf2Sha256)]
    [InlineData("pbkdf2_sha1$260000$salt$hash", DjangoHashFormat.Pbkdf2Sha1)]
    [InlineData("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA", DjangoHashFormat.Argon2)]
    [InlineData("bcrypt_sha256$$2b$12$abc", DjangoHashFormat.BcryptSha256)]
    [InlineData("bcrypt$$2b$12$abc", DjangoHashFormat.Bcrypt)]
    [InlineData("scrypt$16384$salt$8$1$hash", DjangoHashFormat.Scrypt)]
    [InlineData("md5$salt$0123", DjangoHashFormat.Md5)]
    [InlineData("sha1$salt$0123", DjangoHashFormat.Sha1)]
    [InlineData("0123456789abcdef0123456789abcdef", DjangoHashFormat.UnsaltedMd5)]
    [InlineData("md5$$0123456789abcdef0123456789abcdef", DjangoHashFormat.UnsaltedMd5)]
    [InlineData("sha1$$0123456789abcdef0123456789abcdef01234567", DjangoHashFormat.UnsaltedSha1)]
    [InlineData("crypt$$ab01234567890", DjangoHashFormat.Crypt)]
    [InlineData("!", DjangoHashFormat.Unusable)]
    [InlineData("!pbkdf2_sha256$1000$salt$hash", DjangoHashFormat.Unusable)]
    public void Django_values_are_recognized_by_their_prefix(string stored, DjangoHashFormat format)
    {
        Assert.Equal(format, DjangoPasswordVerifier.Identify(stored));
        Assert.True(DjangoPasswordVerifier.IsDjangoFormat(stored));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("plaintext-password")]
    // AuthApp's own Argon2id PHC string (libsodium) and an ASP.NET Core Identity v3 value: not Django's.
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE")]
    [InlineData("AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg/Z+V9lwt+dKF0miCMAylvinj7VAFVmY4NcTGLicFFQIg==")]
    [InlineData("pbkdf2_sha512$1000$salt$hash")]
    [InlineData("PBKDF2_SHA256$1000$salt$hash")]
    [InlineData("argon2id$v=19$m=1024,t=1,p=8$c2FsdA$aGFzaA")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("$2b$12$8WAcv/on6irQmmzq4ykgP.8SF5uMp92PqTOM/gT2WPygyaT9VL2Ku")]
    public void Other_values_are_not_Django_and_fail(string? stored)
    {
        Assert.Equal(DjangoHashFormat.Unknown, DjangoPasswordVerifier.Identify(stored));
        Assert.False(DjangoPasswordVerifier.IsDjangoFormat(stored));
        Assert.Equal(DjangoHashStatus.Unknown, DjangoPasswordVerifier.Inspect(stored).Status);
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(stored!, "password", ""));
    }

    [Theory]
    [InlineData("pbkdf2_sha256$")]
    [InlineData("pbkdf2_sha256$$$")]
    [InlineData("pbkdf2_sha256$1000$$M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=")]
    [InlineData("pbkdf2_sha256$0$salt$M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=")]
    [InlineData("pbkdf2_sha256$-1$salt$M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=")]
    [InlineData("pbkdf2_sha256$1e3$salt$M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=")]
    [InlineData("pbkdf2_sha256$1000$salt$short")]
    [InlineData("pbkdf2_sha256$1000$salt$M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=$extra")]
    [InlineData("argon2$")]
    [InlineData("argon2$argon2x$v=19$m=1024,t=1,p=8$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]
    [InlineData("argon2$argon2id$v=19$m=1024,t=1$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]
    [InlineData("argon2$argon2id$v=19$m=1024,t=0,p=8$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]
    [InlineData("argon2$argon2id$v=19$m=1024,t=1,p=0$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]
    [InlineData("argon2$argon2id$v=19$m=63,t=1,p=8$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]     // m < 8·p
    [InlineData("argon2$argon2id$v=19$m=1024,t=1,p=8$c2FsdA$HzucMFAvMetkDYY6hs/ecg")]                   // 4-byte salt
    [InlineData("argon2$argon2id$v=19$m=1024,t=1,p=8$c2FsdHNhbHRzYWx0c2FsdA$SGk")]                      // 2-byte tag
    [InlineData("argon2$argon2id$v=19$m=1024,t=1,p=8$c2FsdHNhbHRzYWx0c2FsdB$HzucMFAvMetkDYY6hs/ecg")]   // non-zero pad bits
    [InlineData("argon2$argon2id$v=19$m=1024,t=1,p=8$c2FsdHNhbHRzYWx0c2FsdA==$HzucMFAvMetkDYY6hs/ecg")]
    [InlineData("argon2$argon2id$v=19$m=1024,t=1,p=8$c2Fsd HNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]
    [InlineData("bcrypt$")]
    [InlineData("bcrypt$$2b$12$")]
    [InlineData("bcrypt$$2b$03$8gC6/IyKzrQIdI3ZmbDGJO6kCtNpfI1yyxb9726WFdhJmMZRmeLGe")]
    [InlineData("bcrypt$$2b$1a$8gC6/IyKzrQIdI3ZmbDGJO6kCtNpfI1yyxb9726WFdhJmMZRmeLGe")]
    [InlineData("bcrypt$$2c$04$8gC6/IyKzrQIdI3ZmbDGJO6kCtNpfI1yyxb9726WFdhJmMZRmeLGe")]
    [InlineData("bcrypt$$2b$04$8gC6/IyKzrQIdI3ZmbDGJO6kCtNpfI1yyxb9726WFdhJmMZRmeLG!")]
    [InlineData("bcrypt$2b$04$8gC6/IyKzrQIdI3ZmbDGJO6kCtNpfI1yyxb9726WFdhJmMZRmeLGe")]
    [InlineData("scrypt$")]
    [InlineData("scrypt$1000$salt$8$1$xLVKxj50UP/xlnc+lR9ubNnzDY/wSQo93NtWhk09wk15z2MFjzuthMmXHgoHMexvPm18S2yf9zzO92vhCx6kA==")]
    [InlineData("scrypt$1$salt$8$1$8xLVKxj50UP/xlnc+lR9ubNnzDY/wSQo93NtWhk09wk15z2MFjzuthMmXHgoHMexvPm18S2yf9zzO92vhCx6kA==")]
    [InlineData("scrypt$16384$salt$0$1$8xLVKxj50UP/xlnc+lR9ubNnzDY/wSQo93NtWhk09wk15z2MFjzuthMmXHgoHMexvPm18S2yf9zzO92vhCx6kA==")]
    [InlineData("scrypt$16384$salt$8$0$8xLVKxj50UP/xlnc+lR9ubNnzDY/wSQo93NtWhk09wk15z2MFjzuthMmXHgoHMexvPm18S2yf9zzO92vhCx6kA==")]
    [InlineData("scrypt$16384$$8$1$8xLVKxj50UP/xlnc+lR9ubNnzDY/wSQo93NtWhk09wk15z2MFjzuthMmXHgoHMexvPm18S2yf9zzO92vhCx6kA==")]
    [InlineData("scrypt$16384$salt$8$1$8xLVKxj50UP/xlnc+lR9ubNnzDY")]
    [InlineData("md5$$")]
    [InlineData("md5$salt$")]
    [InlineData("md5$$0123456789abcdef0123456789abcde")]                  // 36 characters: salted md5, empty salt
    [InlineData("md5$salt$0123456789abcdef0123456789abcdeg")]
    [InlineData("sha1$salt$0123456789abcdef0123456789abcdef")]             // 32 hex digits for SHA-1
    [InlineData("unsalted_md5$0123456789abcdef0123456789abcdef")]          // Django never stores this prefix
    [InlineData("unsalted_sha1$0123456789abcdef0123456789abcdef01234567")]
    public void Malformed_Django_values_fail_without_throwing(string stored)
    {
        Assert.True(DjangoPasswordVerifier.IsDjangoFormat(stored));
        Assert.Equal(DjangoHashStatus.Malformed, DjangoPasswordVerifier.Inspect(stored).Status);
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(stored, "password", "pepper"));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(stored, "", ""));
    }

    [Theory]
    [InlineData("crypt$$M5RVQkHUklx8.")]
    [InlineData("crypt$ab$abM5RVQkHUklx8.")]
    [InlineData("argon2$argon2i$m=512,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]         // v=16: no version field
    [InlineData("argon2$argon2id$v=16$m=512,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg")]
    public void Deliberately_unsupported_formats_say_so_and_fail_closed(string stored)
    {
        var info = DjangoPasswordVerifier.Inspect(stored);
        Assert.Equal(DjangoHashStatus.Unsupported, info.Status);
        Assert.False(string.IsNullOrEmpty(info.Reason));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(stored, "password", "pepper"));
    }

    [Fact]
    public void Null_arguments_fail_instead_of_throwing()
    {
        var vector = DjangoVectors.All.Single(v => v.Name == "md5");
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(null!, "password", ""));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, null!, vector.Pepper));
        // A null pepper is the empty pepper (plain Django).
        var plain = DjangoVectors.All.Single(v => v.Name == "pbkdf2_sha256 non-ASCII, no pepper");
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(plain.Encoded, plain.Password, null!));
    }

    [Fact]
    public void Inspect_reasons_name_the_problem_but_no_hash_material()
    {
        var info = DjangoPasswordVerifier.Inspect("pbkdf2_sha256$1000000000$secretsalt$M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=");
        Assert.Equal(DjangoHashFormat.Pbkdf2Sha256, info.Format);
        Assert.Contains("1000000000", info.Reason);
        Assert.DoesNotContain("secretsalt", info.Reason);
        Assert.DoesNotContain("M6Pr", info.Reason);
    }
}
