using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AuthApp.Data.Passwords;

/// <summary>
/// scrypt (RFC 7914): PBKDF2-HMAC-SHA256 (the platform's) around ROMix, BlockMix and the Salsa20/8 core.
/// .NET has no scrypt and no well-kept MIT package for it is served here; this one is checked against the
/// RFC's test vectors and against values from Django's ScryptPasswordHasher (OpenSSL's scrypt).
/// </summary>
/// <remarks>
/// The p lanes are mixed one after another, as OpenSSL does, so memory is 128·N·r bytes (+ 128·r·p), held in
/// one array that is wiped before it is released. Callers bound N, r and p first (<see cref="DjangoHashLimits"/>).
/// </remarks>
internal static class Scrypt
{
    /// <summary>Django's ScryptPasswordHasher derives 64 bytes.</summary>
    public const int DjangoKeyLength = 64;

    public static byte[] DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int n, int r, int p, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(r, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (!BitOperations.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), "N must be a power of two.");
        }
        var blockWords = 32 * r; // one scrypt block is 128·r bytes
        if ((long)blockWords * p > Array.MaxLength / 4 || (long)blockWords * n > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "N·r·p is too large.");
        }

        // B = PBKDF2-HMAC-SHA256(P, S, 1, p·128·r)
        var b = Rfc2898DeriveBytes.Pbkdf2(password, salt, 1, HashAlgorithmName.SHA256, p * 128 * r);
        var x = new uint[blockWords];
        var scratch = new uint[blockWords];
        var v = GC.AllocateUninitializedArray<uint>(blockWords * n); // every word is written before it is read
        try
        {
            for (var lane = 0; lane < p; lane++)
            {
                var block = b.AsSpan(lane * 128 * r, 128 * r);
                for (var i = 0; i < blockWords; i++)
                {
                    x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
                }
                RoMix(x, v, scratch, n, r);
                for (var i = 0; i < blockWords; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(block[(4 * i)..], x[i]);
                }
            }
            // DK = PBKDF2-HMAC-SHA256(P, B, 1, dkLen)
            return Rfc2898DeriveBytes.Pbkdf2(password, b, 1, HashAlgorithmName.SHA256, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(v.AsSpan()));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(x.AsSpan()));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(scratch.AsSpan()));
            CryptographicOperations.ZeroMemory(b);
        }
    }

    /// <summary>scryptROMix (RFC 7914 §5), in place on <paramref name="x"/>.</summary>
    private static void RoMix(Span<uint> x, Span<uint> v, Span<uint> scratch, int n, int r)
    {
        var blockWords = x.Length;
        for (var i = 0; i < n; i++)
        {
            x.CopyTo(v.Slice(i * blockWords, blockWords));
            BlockMix(x, scratch, r);
        }
        for (var i = 0; i < n; i++)
        {
            // Integerify: the first word of the last 64-byte sub-block, mod N (N ≤ 2^31 here).
            var j = (int)(x[(2 * r - 1) * 16] & (uint)(n - 1));
            Xor(x, v.Slice(j * blockWords, blockWords));
            BlockMix(x, scratch, r);
        }
    }

    /// <summary>scryptBlockMix (RFC 7914 §4) with Salsa20/8, in place on <paramref name="b"/>.</summary>
    private static void BlockMix(Span<uint> b, Span<uint> y, int r)
    {
        Span<uint> t = stackalloc uint[16];
        b.Slice((2 * r - 1) * 16, 16).CopyTo(t);
        for (var i = 0; i < 2 * r; i++)
        {
            Xor(t, b.Slice(i * 16, 16));
            Salsa208(t);
            // Y_i goes to B'[i/2] for even i and to B'[r + i/2] for odd i.
            t.CopyTo(y.Slice(((i & 1) * r + (i >> 1)) * 16, 16));
        }
        y.CopyTo(b);
        t.Clear();
    }

    private static void Xor(Span<uint> destination, ReadOnlySpan<uint> source)
    {
        var d = MemoryMarshal.Cast<uint, Vector<uint>>(destination);
        var s = MemoryMarshal.Cast<uint, Vector<uint>>(source);
        for (var i = 0; i < d.Length; i++)
        {
            d[i] ^= s[i];
        }
        for (var i = d.Length * Vector<uint>.Count; i < destination.Length; i++)
        {
            destination[i] ^= source[i];
        }
    }

    /// <summary>The Salsa20/8 core (RFC 7914 §3): B = B + Salsa20/8 rounds(B), on 16 words.</summary>
    private static void Salsa208(Span<uint> b)
    {
        uint x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
        uint x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
        for (var i = 0; i < 8; i += 2)
        {
            // Columns
            x4 ^= BitOperations.RotateLeft(x0 + x12, 7); x8 ^= BitOperations.RotateLeft(x4 + x0, 9);
            x12 ^= BitOperations.RotateLeft(x8 + x4, 13); x0 ^= BitOperations.RotateLeft(x12 + x8, 18);
            x9 ^= BitOperations.RotateLeft(x5 + x1, 7); x13 ^= BitOperations.RotateLeft(x9 + x5, 9);
            x1 ^= BitOperations.RotateLeft(x13 + x9, 13); x5 ^= BitOperations.RotateLeft(x1 + x13, 18);
            x14 ^= BitOperations.RotateLeft(x10 + x6, 7); x2 ^= BitOperations.RotateLeft(x14 + x10, 9);
            x6 ^= BitOperations.RotateLeft(x2 + x14, 13); x10 ^= BitOperations.RotateLeft(x6 + x2, 18);
            x3 ^= BitOperations.RotateLeft(x15 + x11, 7); x7 ^= BitOperations.RotateLeft(x3 + x15, 9);
            x11 ^= BitOperations.RotateLeft(x7 + x3, 13); x15 ^= BitOperations.RotateLeft(x11 + x7, 18);
            // Rows
            x1 ^= BitOperations.RotateLeft(x0 + x3, 7); x2 ^= BitOperations.RotateLeft(x1 + x0, 9);
            x3 ^= BitOperations.RotateLeft(x2 + x1, 13); x0 ^= BitOperations.RotateLeft(x3 + x2, 18);
            x6 ^= BitOperations.RotateLeft(x5 + x4, 7); x7 ^= BitOperations.RotateLeft(x6 + x5, 9);
            x4 ^= BitOperations.RotateLeft(x7 + x6, 13); x5 ^= BitOperations.RotateLeft(x4 + x7, 18);
            x11 ^= BitOperations.RotateLeft(x10 + x9, 7); x8 ^= BitOperations.RotateLeft(x11 + x10, 9);
            x9 ^= BitOperations.RotateLeft(x8 + x11, 13); x10 ^= BitOperations.RotateLeft(x9 + x8, 18);
            x12 ^= BitOperations.RotateLeft(x15 + x14, 7); x13 ^= BitOperations.RotateLeft(x12 + x15, 9);
            x14 ^= BitOperations.RotateLeft(x13 + x12, 13); x15 ^= BitOperations.RotateLeft(x14 + x13, 18);
        }
        b[0] += x0; b[1] += x1; b[2] += x2; b[3] += x3; b[4] += x4; b[5] += x5; b[6] += x6; b[7] += x7;
        b[8] += x8; b[9] += x9; b[10] += x10; b[11] += x11; b[12] += x12; b[13] += x13; b[14] += x14; b[15] += x15;
    }
}
