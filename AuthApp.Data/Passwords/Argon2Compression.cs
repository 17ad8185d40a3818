using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AuthApp.Data.Passwords;

/// <summary>
/// Argon2's compression function G (RFC 9106 §3.5–3.6) over 1 KiB blocks of 128 little-endian words: BLAKE2b's round
/// with BlaMka's multiplications, applied to the 8 rows and then to the 8 columns of the block seen as 8×8 pairs of
/// words. With AVX2 a quarter-round works on four words at once; otherwise one word at a time (same results).
/// </summary>
/// <remarks>Safe code: spans over whole blocks (checked once per call), reinterpreted as vectors.</remarks>
internal static class Argon2Compression
{
    public const int BlockWords = 128;

    /// <summary>
    /// <c>next = G(previous, reference)</c>, or <c>next ⊕= G(previous, reference)</c> with <paramref name="withXor"/>:
    /// R = previous ⊕ reference, Z = P(R) by rows then columns, result R ⊕ Z. <paramref name="next"/> may be
    /// <paramref name="reference"/> (the address generator does that). <paramref name="r"/> and <paramref name="t"/>
    /// are scratch blocks.
    /// </summary>
    // Compiled optimised at once: tier-0 code would make the process's first hash ~10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compress(ReadOnlySpan<ulong> previous, ReadOnlySpan<ulong> reference, Span<ulong> next,
        bool withXor, Span<ulong> r, Span<ulong> t, bool vectorised)
    {
        if (previous.Length != BlockWords || reference.Length != BlockWords || next.Length != BlockWords ||
            r.Length != BlockWords || t.Length != BlockWords)
        {
            throw new ArgumentException("Argon2 blocks are 128 words.");
        }
        var p = MemoryMarshal.Cast<ulong, Vector256<ulong>>(previous);
        var f = MemoryMarshal.Cast<ulong, Vector256<ulong>>(reference);
        var n = MemoryMarshal.Cast<ulong, Vector256<ulong>>(next);
        var rv = MemoryMarshal.Cast<ulong, Vector256<ulong>>(r);
        var tv = MemoryMarshal.Cast<ulong, Vector256<ulong>>(t);
        for (var k = 0; k < rv.Length; k++)
        {
            var x = p[k] ^ f[k];
            rv[k] = x;
            tv[k] = withXor ? x ^ n[k] : x;
        }
        if (vectorised && Avx2.IsSupported)
        {
            PermuteAvx2(rv, MemoryMarshal.Cast<ulong, Vector128<ulong>>(r));
        }
        else
        {
            PermuteScalar(r);
        }
        for (var k = 0; k < n.Length; k++)
        {
            n[k] = tv[k] ^ rv[k];
        }
    }

    // ------------------------------------------------------------------ one word at a time

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PermuteScalar(Span<ulong> v)
    {
        for (var i = 0; i < 8; i++)
        {
            // Row i: words 16i … 16i+15.
            var b = 16 * i;
            Round(v, b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7,
                b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, b + 14, b + 15);
        }
        for (var i = 0; i < 8; i++)
        {
            // Column i: words 2i and 2i+1 of every row.
            var b = 2 * i;
            Round(v, b, b + 1, b + 16, b + 17, b + 32, b + 33, b + 48, b + 49,
                b + 64, b + 65, b + 80, b + 81, b + 96, b + 97, b + 112, b + 113);
        }
    }

    /// <summary>BLAKE2b's round without message words: columns, then diagonals, of a 4×4 matrix of words.</summary>
    private static void Round(Span<ulong> v, int v0, int v1, int v2, int v3, int v4, int v5, int v6, int v7,
        int v8, int v9, int v10, int v11, int v12, int v13, int v14, int v15)
    {
        G(v, v0, v4, v8, v12);
        G(v, v1, v5, v9, v13);
        G(v, v2, v6, v10, v14);
        G(v, v3, v7, v11, v15);
        G(v, v0, v5, v10, v15);
        G(v, v1, v6, v11, v12);
        G(v, v2, v7, v8, v13);
        G(v, v3, v4, v9, v14);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(Span<ulong> v, int a, int b, int c, int d)
    {
        v[a] = BlaMka(v[a], v[b]);
        v[d] = ulong.RotateRight(v[d] ^ v[a], 32);
        v[c] = BlaMka(v[c], v[d]);
        v[b] = ulong.RotateRight(v[b] ^ v[c], 24);
        v[a] = BlaMka(v[a], v[b]);
        v[d] = ulong.RotateRight(v[d] ^ v[a], 16);
        v[c] = BlaMka(v[c], v[d]);
        v[b] = ulong.RotateRight(v[b] ^ v[c], 63);
    }

    /// <summary>BLAKE2b's addition plus twice the product of the low halves (what makes G memory-hard to shortcut).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlaMka(ulong x, ulong y) => x + y + 2 * (ulong)(uint)x * (uint)y;

    // ------------------------------------------------------------------ four words at a time (AVX2)

    // vpshufb masks rotating each 64-bit word right by 24 and by 16 bits (3 and 2 bytes).
    private static readonly Vector256<byte> Rotate24 = Vector256.Create(
        (byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);

    private static readonly Vector256<byte> Rotate16 = Vector256.Create(
        (byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);

    /// <param name="v">The block as 32 vectors of 4 words (a row is 4 of them: a, b, c, d).</param>
    /// <param name="pairs">The same block as 64 pairs of words (row k, pair i is pairs[8k + i]).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PermuteAvx2(Span<Vector256<ulong>> v, Span<Vector128<ulong>> pairs)
    {
        for (var i = 0; i < 8; i++)
        {
            var row = v.Slice(4 * i, 4);
            var (a, b, c, d) = (row[0], row[1], row[2], row[3]);
            RoundAvx2(ref a, ref b, ref c, ref d);
            (row[0], row[1], row[2], row[3]) = (a, b, c, d);
        }
        for (var i = 0; i < 8; i++)
        {
            // Column i: a = pair i of rows 0 and 1, b = of rows 2 and 3, c = of rows 4 and 5, d = of rows 6 and 7.
            var a = Vector256.Create(pairs[i], pairs[8 + i]);
            var b = Vector256.Create(pairs[16 + i], pairs[24 + i]);
            var c = Vector256.Create(pairs[32 + i], pairs[40 + i]);
            var d = Vector256.Create(pairs[48 + i], pairs[56 + i]);
            RoundAvx2(ref a, ref b, ref c, ref d);
            (pairs[i], pairs[8 + i]) = (a.GetLower(), a.GetUpper());
            (pairs[16 + i], pairs[24 + i]) = (b.GetLower(), b.GetUpper());
            (pairs[32 + i], pairs[40 + i]) = (c.GetLower(), c.GetUpper());
            (pairs[48 + i], pairs[56 + i]) = (d.GetLower(), d.GetUpper());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RoundAvx2(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        G4(ref a, ref b, ref c, ref d);
        // Diagonals: rotate b, c, d left by 1, 2, 3 words, so that lane j holds diagonal j; then back.
        b = Avx2.Permute4x64(b, 0b00_11_10_01);
        c = Avx2.Permute4x64(c, 0b01_00_11_10);
        d = Avx2.Permute4x64(d, 0b10_01_00_11);
        G4(ref a, ref b, ref c, ref d);
        b = Avx2.Permute4x64(b, 0b10_01_00_11);
        c = Avx2.Permute4x64(c, 0b01_00_11_10);
        d = Avx2.Permute4x64(d, 0b00_11_10_01);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G4(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        a = BlaMka4(a, b);
        d = Avx2.Shuffle((d ^ a).AsUInt32(), 0b10_11_00_01).AsUInt64(); // rotate right 32: swap the halves
        c = BlaMka4(c, d);
        b = Avx2.Shuffle((b ^ c).AsByte(), Rotate24).AsUInt64();
        a = BlaMka4(a, b);
        d = Avx2.Shuffle((d ^ a).AsByte(), Rotate16).AsUInt64();
        c = BlaMka4(c, d);
        var x = b ^ c;
        b = Avx2.ShiftRightLogical(x, 63) | (x + x); // rotate right 63
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BlaMka4(Vector256<ulong> x, Vector256<ulong> y)
    {
        var product = Avx2.Multiply(x.AsUInt32(), y.AsUInt32()); // low 32 bits × low 32 bits, per word
        return x + y + product + product;
    }
}
