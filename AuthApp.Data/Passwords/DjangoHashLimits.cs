namespace AuthApp.Data.Passwords;

/// <summary>
/// Upper bounds on the cost parameters that a stored Django hash may ask for. The parameters of a Django
/// hash travel inside the stored string, so a corrupted or tampered row could otherwise make one login
/// allocate gigabytes or loop for hours. A hash beyond any bound is refused without being computed
/// (<see cref="DjangoHashStatus.CostTooHigh"/>): the user resets the password instead.
/// </summary>
/// <remarks>
/// Each default allows several times Django's own default cost (Django 5.2 unless said otherwise), so that a
/// deployment that had raised its costs still logs in, while the worst accepted value stays around one to two
/// seconds of one core. Times: the 2-core development machine, Release build (see docs/passwords.md).
/// </remarks>
public sealed record DjangoHashLimits
{
    public static DjangoHashLimits Default { get; } = new();

    /// <summary>
    /// <c>pbkdf2_sha256</c> and <c>pbkdf2_sha1</c> iterations. Django 3.2: 260,000; 5.2: 1,000,000;
    /// 6.0: 1,200,000. Default 4,000,000 (1,000,000 SHA-256 iterations take ~0.23 s here, so ~0.9 s).
    /// </summary>
    public int MaxPbkdf2Iterations { get; init; } = 4_000_000;

    /// <summary>Argon2 memory <c>m</c> in KiB. Django 3.2+: 102,400 (100 MiB). Default 262,144 (256 MiB).</summary>
    public int MaxArgon2MemoryKiB { get; init; } = 262_144;

    /// <summary>Argon2 passes <c>t</c>. Django: 2. Default 10.</summary>
    public int MaxArgon2Iterations { get; init; } = 10;

    /// <summary>Argon2 lanes <c>p</c>. Django: 8. Default 16.</summary>
    public int MaxArgon2Lanes { get; init; } = 16;

    /// <summary>
    /// Argon2 total work <c>m·t</c> in KiB-passes, so that the memory and pass bounds cannot both be
    /// maxed at once. Django: 204,800 (~0.27 s wall, ~0.43 s CPU over 2 cores here). Default 1,048,576 (5×, ~1.4 s).
    /// </summary>
    public long MaxArgon2WorkKiB { get; init; } = 1_048_576;

    /// <summary><c>bcrypt</c> and <c>bcrypt_sha256</c> log2 cost. Django: 12 (~0.26 s here). Default 15 (8×, ~2.1 s).</summary>
    public int MaxBcryptCost { get; init; } = 15;

    /// <summary>
    /// scrypt <c>128·N·r·p</c> in bytes: the memory a lane-parallel implementation would need, and
    /// proportional to the work (this one runs the lanes one after another and holds <c>128·N·r</c>).
    /// Django 4.0+: N=2^14, r=8, p=1, i.e. 16 MiB (~35–60 ms here). Default 256 MiB (16×, ~0.5–1 s).
    /// </summary>
    public long MaxScryptCostBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// scrypt's memory in bytes as this implementation holds it: <c>128·r·(N + p + 2)</c> (the table V, the p lanes of
    /// B that PBKDF2 writes at once, and two working blocks). The cost bound alone let <c>p = 2^20</c> with a small N
    /// pass while PBKDF2 wrote 128 MiB. Django: 16 MiB. Default 64 MiB (4×).
    /// </summary>
    public long MaxScryptMemoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Longest stored value parsed at all. Django's column is <c>varchar(128)</c> (the original
    /// service's is <c>varchar(100)</c>). Default 512.
    /// </summary>
    public int MaxEncodedLength { get; init; } = 512;
}
