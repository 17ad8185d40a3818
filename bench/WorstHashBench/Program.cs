using System.Buffers.Binary;
using System.Diagnostics;
using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;

// What one login costs when the stored value is the most expensive one each format may hold, beside AuthApp's default
// Argon2id, and what a value just past the bounds costs (refused before any work). A wrong password is verified, so
// every value is computed in full. Run it alone on the machine (bench/worst-hashes.sh).
var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions { AcceptIdentityV3 = true }),
    Options.Create(new DjangoPasswordOptions { Pepper = "pepper" }));
const string Password = "not the password";
string B64(int bytes) => Convert.ToBase64String(new byte[bytes]);
string Phc(int bytes) => B64(bytes).TrimEnd('=');

string IdentityV3(uint prf, uint iterations, int saltBytes, int subkeyBytes)
{
    var value = new byte[13 + saltBytes + subkeyBytes];
    value[0] = 0x01;
    BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(1), prf);
    BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(5), iterations);
    BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(9), (uint)saltBytes);
    return Convert.ToBase64String(value);
}

var bcryptTail = new string('a', 22) + new string('b', 31);
(string Name, string Value)[] cases =
[
    ("AuthApp Argon2id, default (m=19456, t=2)", $"$argon2id$v=19$m=19456,t=2,p=1${Phc(16)}${Phc(32)}"),
    ("AuthApp Argon2id, worst allowed (m=77824, t=2)", $"$argon2id$v=19$m=77824,t=2,p=1${Phc(16)}${Phc(32)}"),
    ("AuthApp Argon2id, worst allowed (m=19456, t=8)", $"$argon2id$v=19$m=19456,t=8,p=1${Phc(16)}${Phc(32)}"),
    ("AuthApp Argon2id, past the bounds (m=262144, t=4)", $"$argon2id$v=19$m=262144,t=4,p=1${Phc(16)}${Phc(32)}"),
    ("AuthApp Argon2id, past the bounds (m=1048576, t=20)", $"$argon2id$v=19$m=1048576,t=20,p=1${Phc(16)}${Phc(32)}"),
    ("Identity v3, worst allowed (SHA-512, 2,000,000)", IdentityV3(2, 2_000_000, 64, 64)),
    ("Identity v3, past the bounds (SHA-256, 2^31-1)", IdentityV3(1, int.MaxValue, 16, 32)),
    ("Django pbkdf2_sha256, worst allowed (4,000,000)", $"pbkdf2_sha256$4000000$salt${B64(32)}"),
    ("Django pbkdf2_sha1, worst allowed (4,000,000)", $"pbkdf2_sha1$4000000$salt${B64(20)}"),
    ("Django argon2id, worst allowed (m=262144, t=4, p=16)", $"argon2$argon2id$v=19$m=262144,t=4,p=16${Phc(16)}${Phc(16)}"),
    ("Django bcrypt, worst allowed (cost 15)", $"bcrypt$$2b$15${bcryptTail}"),
    ("Django scrypt, worst allowed (N=2^15, r=8, p=8)", $"scrypt$32768$salt$8$8${B64(64)}"),
    ("Django scrypt, past the bounds (N=2, r=1, p=2^20)", $"scrypt$2$salt$1$1048576${B64(64)}"),
    ("Django md5, wrapped at import", DjangoPasswordVerifier.WrapLegacyDigest($"md5$salt${new string('0', 32)}", hasher.Hash)!),
];

hasher.Verify(cases[0].Value, Password); // JIT and the warm workspace
var baseline = Time(cases[0].Value);
Console.WriteLine($"{"stored value",-56} {"ms",8} {"× default",10}");
foreach (var (name, value) in cases)
{
    var ms = Time(value);
    Console.WriteLine($"{name,-56} {ms,8:F1} {ms / baseline,10:F1}");
}
return 0;

double Time(string stored)
{
    var best = double.MaxValue;
    for (var i = 0; i < 3; i++)
    {
        var start = Stopwatch.GetTimestamp();
        if (hasher.Verify(stored, Password) != PasswordVerification.Failed)
        {
            throw new InvalidOperationException("a wrong password verified");
        }
        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    return best;
}
