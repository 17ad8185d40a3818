using System.Diagnostics;
using AuthApp.Data.Passwords;
using NSec.Cryptography;

// Argon2id at AuthApp's default cost (m=19456 KiB, t=2, p=1, 32-byte tag): libsodium (NSec) against the warm
// workspace (Argon2idWorkspace), ms per hash. Usage (Release, under flock /tmp/authapp.lock; bench/argon2.sh runs both):
//   Argon2Bench first <libsodium|warm>   one fresh process: the first hash (for warm: with allocating the workspace), then the second
//   Argon2Bench steady [hashes]          one process: warm-up, then hashes alternating between the two, p50/p99/max and CPU
const int MemoryKiB = 19_456, Passes = 2;
var password = "correct horse battery staple"u8.ToArray();
var salt = "saltsaltsaltsalt"u8.ToArray();
// libsodium 1.0.22's tag for these inputs (both implementations are checked against it on every hash).
var expected = Convert.FromBase64String("QKHrg5tayLGcN+Y0HVPNaBqykOVLUxlMkZycXE1uWRM=");
var tag = new byte[32];

var libsodium = PasswordBasedKeyDerivationAlgorithm.Argon2id(
    new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = MemoryKiB, NumberOfPasses = Passes });
Argon2idWorkspace? workspace = null;
void Libsodium() => libsodium.DeriveBytes(password, salt, tag);
void Warm() => (workspace ??= new Argon2idWorkspace(MemoryKiB)).Hash(password, salt, MemoryKiB, Passes, tag);

double Time(Action hash)
{
    var start = Stopwatch.GetTimestamp();
    hash();
    var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    if (!tag.AsSpan().SequenceEqual(expected))
    {
        throw new InvalidOperationException("wrong tag: " + Convert.ToBase64String(tag));
    }
    return ms;
}

switch (args.FirstOrDefault())
{
    case "first":
        var warm = args.ElementAtOrDefault(1) == "warm";
        var allocationMs = 0.0;
        if (warm)
        {
            var start = Stopwatch.GetTimestamp();
            workspace = new Argon2idWorkspace(MemoryKiB);
            allocationMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var first = allocationMs + Time(warm ? Warm : Libsodium);
        var second = Time(warm ? Warm : Libsodium);
        Console.WriteLine($"{args[1],-9}  first {first,6:F1} ms  second {second,6:F1} ms" +
            (warm ? $"  (the first includes allocating the workspace: {allocationMs:F1} ms)" : ""));
        break;
    case "steady":
        var n = args.Length > 1 ? int.Parse(args[1]) : 200;
        for (var i = 0; i < 5; i++)
        {
            Time(Libsodium);
            Time(Warm);
        }
        var times = new Dictionary<string, List<double>> { ["libsodium"] = [], ["warm"] = [] };
        var cpu = new Dictionary<string, TimeSpan> { ["libsodium"] = TimeSpan.Zero, ["warm"] = TimeSpan.Zero };
        for (var i = 0; i < n; i++)
        {
            foreach (var (name, hash) in new (string, Action)[] { ("libsodium", Libsodium), ("warm", Warm) })
            {
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                times[name].Add(Time(hash));
                cpu[name] += Process.GetCurrentProcess().TotalProcessorTime - before;
            }
        }
        Console.WriteLine($"m={MemoryKiB} KiB, t={Passes}, p=1, {n} hashes each, alternating; AVX2: {System.Runtime.Intrinsics.X86.Avx2.IsSupported}");
        foreach (var (name, list) in times)
        {
            list.Sort();
            double P(double q) => list[(int)Math.Min(list.Count - 1, Math.Ceiling(q * list.Count) - 1)];
            Console.WriteLine($"{name,-9}  p50 {P(0.50),6:F1} ms  p99 {P(0.99),6:F1} ms  max {list[^1],6:F1} ms  " +
                $"CPU {cpu[name].TotalMilliseconds / n,5:F1} ms/hash");
        }
        break;
    default:
        Console.Error.WriteLine("usage: Argon2Bench first <libsodium|warm> | steady [hashes]");
        return 2;
}
return 0;
