using System.Diagnostics;
using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>
/// A stored value is data, and its parameters decide the cost. One that asks for gigabytes of memory or a
/// billion iterations is refused from its text alone: nothing is allocated or computed for it.
/// </summary>
public sealed class AbsurdParameterTests
{
    private const string Hash32 = "M6PrSnjJFZ5MR+CBdkin37OMhkV5dOwFPEU1dhgNof8=";  // 44 base64 characters
    private const string Hash20 = "UvolAz5X9C2sQ0c9V4aZdmH2KIE=";                 // 28
    private const string Hash64 = "8xLVKxj50UP/xlnc+lR9ubNnzDY/wSQo93NtWhk09wk15z2MFjzuthMmXHgoHMexvPm18S2yf9zzO92vhCx6kA==";
    private const string Argon2Tail = "$c2FsdHNhbHRzYWx0c2FsdA$HzucMFAvMetkDYY6hs/ecg";
    private const string BcryptTail = "$8gC6/IyKzrQIdI3ZmbDGJO6kCtNpfI1yyxb9726WFdhJmMZRmeLGe";

    public static TheoryData<string, DjangoHashStatus> Absurd() => new()
    {
        { $"pbkdf2_sha256$1000000000$salt${Hash32}", DjangoHashStatus.CostTooHigh },      // 10^9 iterations
        { $"pbkdf2_sha256$4294967295$salt${Hash32}", DjangoHashStatus.CostTooHigh },
        { $"pbkdf2_sha256$4000001$salt${Hash32}", DjangoHashStatus.CostTooHigh },         // just past the bound
        { $"pbkdf2_sha256$99999999999$salt${Hash32}", DjangoHashStatus.Malformed },       // beyond 32 bits
        { $"pbkdf2_sha1$1000000000$salt${Hash20}", DjangoHashStatus.CostTooHigh },
        { "argon2$argon2id$v=19$m=4194304,t=2,p=8" + Argon2Tail, DjangoHashStatus.CostTooHigh },   // 4 GiB
        { "argon2$argon2id$v=19$m=4294967295,t=1,p=1" + Argon2Tail, DjangoHashStatus.CostTooHigh },
        { "argon2$argon2id$v=19$m=262145,t=1,p=1" + Argon2Tail, DjangoHashStatus.CostTooHigh },   // just past 256 MiB
        { "argon2$argon2i$v=19$m=65536,t=1000000000,p=1" + Argon2Tail, DjangoHashStatus.CostTooHigh },
        { "argon2$argon2id$v=19$m=262144,t=10,p=8" + Argon2Tail, DjangoHashStatus.CostTooHigh },  // m·t too large
        { "argon2$argon2id$v=19$m=1048576,t=1,p=1024" + Argon2Tail, DjangoHashStatus.CostTooHigh },
        { "argon2$argon2id$v=19$m=8000,t=1,p=1000" + Argon2Tail, DjangoHashStatus.CostTooHigh },  // 1000 lanes
        { "bcrypt$$2b$31" + BcryptTail, DjangoHashStatus.CostTooHigh },
        { "bcrypt_sha256$$2b$20" + BcryptTail, DjangoHashStatus.CostTooHigh },
        { "bcrypt$$2b$16" + BcryptTail, DjangoHashStatus.CostTooHigh },
        { "bcrypt$$2b$99" + BcryptTail, DjangoHashStatus.Malformed },
        { $"scrypt$1048576$salt$8$1${Hash64}", DjangoHashStatus.CostTooHigh },            // 1 GiB
        { $"scrypt$2147483648$salt$8$1${Hash64}", DjangoHashStatus.CostTooHigh },         // 2 TiB
        { $"scrypt$16384$salt$8$1000000${Hash64}", DjangoHashStatus.CostTooHigh },        // a million lanes
        { $"scrypt$2$salt$4000000000$1${Hash64}", DjangoHashStatus.CostTooHigh },         // 4·10^9 r
        { $"scrypt$16384$salt$8$17${Hash64}", DjangoHashStatus.CostTooHigh },             // 272 MiB · work
        { $"scrypt$65536$salt$1$1${Hash64}", DjangoHashStatus.Malformed },                // N ≥ 2^(16·r)
        { $"scrypt$2$salt$1$1048576${Hash64}", DjangoHashStatus.CostTooHigh },            // p = 2^20: a 128 MiB PBKDF2 output
        { $"scrypt$262144$salt$2$1${Hash64}", DjangoHashStatus.CostTooHigh },             // 128·r·(N+p+2) just over 64 MiB
        { "md5$salt$" + new string('0', 100_000), DjangoHashStatus.Malformed },           // overlong value
    };

    [Theory]
    [MemberData(nameof(Absurd))]
    public void Absurd_parameters_are_refused_without_allocating_or_computing(string stored, DjangoHashStatus expected)
    {
        Assert.Equal(expected, DjangoPasswordVerifier.Inspect(stored).Status);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = DjangoPasswordVerifier.Verify(stored, "correct horse battery staple", "pepper");
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(PasswordVerification.Failed, result);
        // Parsing allocates a few small strings (an overlong value is refused before it is split). Computing any of these would
        // allocate hundreds of MiB or run for minutes; the time bound is deliberately loose for a busy 2-core box.
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void The_largest_scrypt_and_argon2_within_the_bounds_are_accepted_as_verifiable()
    {
        Assert.True(DjangoPasswordVerifier.Inspect($"scrypt$16384$salt$8$16${Hash64}").IsVerifiable);   // 256 MiB exactly
        Assert.True(DjangoPasswordVerifier.Inspect("argon2$argon2id$v=19$m=262144,t=4,p=16" + Argon2Tail).IsVerifiable);
        Assert.True(DjangoPasswordVerifier.Inspect($"pbkdf2_sha256$4000000$salt${Hash32}").IsVerifiable);
        Assert.True(DjangoPasswordVerifier.Inspect("bcrypt$$2b$15" + BcryptTail).IsVerifiable);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var vector = DjangoVectors.All.Single(v => v.Name == "pbkdf2_sha256 1000");
        var strict = DjangoHashLimits.Default with { MaxPbkdf2Iterations = 999 };

        Assert.Equal(DjangoHashStatus.CostTooHigh, DjangoPasswordVerifier.Inspect(vector.Encoded, strict).Status);
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper, strict));
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper));

        var fixtureArgon2 = DjangoFixture.ByHasher("argon2").StoredHash;
        Assert.True(DjangoPasswordVerifier.Inspect(fixtureArgon2).IsVerifiable);
        Assert.Equal(DjangoHashStatus.CostTooHigh,
            DjangoPasswordVerifier.Inspect(fixtureArgon2, DjangoHashLimits.Default with { MaxArgon2MemoryKiB = 65_536 }).Status);
    }
}
