using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using NSec.Cryptography;
using HashAlgorithm = NSec.Cryptography.HashAlgorithm;
using IncrementalHash = NSec.Cryptography.IncrementalHash;

namespace AuthApp.Data.Passwords;

/// <summary>
/// Argon2id (RFC 9106, version 0x13) computed in memory that is allocated once and reused, so that a hash does
/// not pay for fresh pages. libsodium maps fresh memory for every hash, and mapping and first touching 19 MiB costs
/// this machine 60–90 ms while a pass over the same memory once mapped costs under a millisecond: most of a
/// libsodium hash was page faults. The output is Argon2id's, byte for byte (RFC 9106's vector; libsodium's output
/// over thousands of random inputs: <c>Argon2idWorkspaceTests</c>).
/// </summary>
/// <remarks>
/// <para>
/// BLAKE2b (H₀, H′ and the tag) is libsodium's, through NSec; the compression function G is
/// <see cref="Argon2Compression"/>. Lanes are filled one after another on the calling thread (AuthApp makes p = 1
/// hashes; more lanes exist for RFC 9106's vector). The area is wiped after every hash, whatever its outcome.
/// </para>
/// <para>
/// One hash at a time (a second thread is refused with <see cref="InvalidOperationException"/>):
/// <see cref="Argon2idWorkspacePool"/> hands each hashing slot its own.
/// </para>
/// </remarks>
public sealed class Argon2idWorkspace
{
    internal const int BlockWords = Argon2Compression.BlockWords;
    private const int SyncPoints = 4;
    private const uint Version = 0x13;
    /// <summary>Argon2's types (RFC 9106 §3.1): AuthApp writes Argon2id; Django's older hashes may be Argon2d or Argon2i.</summary>
    internal const int TypeArgon2d = 0, TypeArgon2i = 1, TypeArgon2id = 2;

    /// <summary>
    /// Shortest tag: libsodium's BLAKE2b gives 16 to 64 bytes (NSec exposes 32 to 64; shorter ones are asked of the same
    /// libsodium directly), and H′ of a longer tag ends with one such hash. Django's Argon2 hasher writes 16.
    /// </summary>
    public const int MinTagBytes = 16;

    // Scratch blocks in front of the Argon2 memory: G's two temporaries, and the address generator's
    // input, output and all-zero block (never written).
    private const int ScratchR = 0, ScratchT = 1, AddressInput = 2, Addresses = 3, Zero = 4, ScratchBlocks = 5;

    private readonly ulong[] _words;  // pinned, so that the 64-byte alignment of _offset holds
    private readonly int _offset;
    private readonly bool _vectorised;
    private int _busy; // 1 while a hash runs: a second thread is refused rather than given a corrupt result

    /// <param name="memoryKiB">The largest <c>m</c> this workspace computes (one 1 KiB block per KiB).</param>
    public Argon2idWorkspace(int memoryKiB) : this(memoryKiB, vectorised: true)
    {
    }

    /// <param name="vectorised">False forces the scalar G (to test it on a machine with AVX2).</param>
    internal Argon2idWorkspace(int memoryKiB, bool vectorised)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 2 * SyncPoints);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Argon2idWorkspace reads blocks as little-endian words.");
        }
        MemoryKiB = memoryKiB;
        _vectorised = vectorised;
        // Allocated once and pinned (the pinned object heap): its pages, faulted in by the first hash, stay mapped for
        // the workspace's life. 8 spare words let the blocks start on a cache line.
        _words = GC.AllocateArray<ulong>(checked((ScratchBlocks + memoryKiB) * BlockWords + 8), pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_words, 0);
        _offset = (int)((64 - address % 64) % 64 / 8);
    }

    public int MemoryKiB { get; }

    /// <summary>The words the last hash used, for the test that checks the wipe.</summary>
    internal ReadOnlySpan<ulong> Words => _words;

    internal bool IsBusy => Volatile.Read(ref _busy) == 1;

    /// <summary>
    /// RFC 9106 §5.3's Argon2id test vector (four lanes, a secret, associated data) through a fresh workspace: whether
    /// this core computes Argon2id on this machine (its vectorised code included). The pool refuses to use the core when
    /// it does not, and every hash then goes to libsodium.
    /// </summary>
    public static bool PassesKnownAnswerTest()
    {
        byte[] password = [.. Enumerable.Repeat((byte)0x01, 32)], salt = [.. Enumerable.Repeat((byte)0x02, 16)];
        byte[] secret = [.. Enumerable.Repeat((byte)0x03, 8)], associatedData = [.. Enumerable.Repeat((byte)0x04, 12)];
        var tag = new byte[32];
        new Argon2idWorkspace(32).Hash(password, salt, secret, associatedData, lanes: 4, memoryKiB: 32, passes: 3, tag);
        return tag.AsSpan().SequenceEqual(Convert.FromHexString("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"));
    }

    /// <summary>Argon2id with one lane, no secret and no associated data: what AuthApp stores.</summary>
    public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKiB, int passes, Span<byte> tag) =>
        Hash(password, salt, secret: [], associatedData: [], lanes: 1, memoryKiB, passes, tag);

    /// <summary>
    /// Argon2 in full (RFC 9106 §3), as its test vector and Django's hashes need: secret, associated data, lanes, and the
    /// type (Argon2id unless said; Argon2i and Argon2d differ only in how reference blocks are chosen, and in H₀).
    /// </summary>
    internal void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData, int lanes, int memoryKiB, int passes, Span<byte> tag, int type = TypeArgon2id)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(type, TypeArgon2d);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(type, TypeArgon2id);
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lanes, 0xFF_FFFF);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 2 * SyncPoints * lanes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryKiB, MemoryKiB);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tag.Length, MinTagBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(salt.Length, 8);

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("An Argon2idWorkspace computes one hash at a time.");
        }
        // m′: the memory rounded down to a multiple of 4·p blocks (RFC 9106 §3.2, step 3).
        var segmentLength = memoryKiB / (SyncPoints * lanes);
        var shape = new Shape(lanes, segmentLength * SyncPoints, segmentLength, segmentLength * SyncPoints * lanes, passes, type);
        Span<byte> h0 = stackalloc byte[64 + 8];
        try
        {
            InitialHash(password, salt, secret, associatedData, lanes, memoryKiB, passes, tag.Length, h0[..64], type);
            // The first two blocks of each lane: H′(H₀ ‖ LE32(0 or 1) ‖ LE32(lane)).
            for (var lane = 0; lane < lanes; lane++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(h0[68..], (uint)lane);
                for (var i = 0u; i < 2; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(h0[64..], i);
                    HPrime(h0, BlockAsBytes(lane * shape.LaneLength + (int)i));
                }
            }
            for (var pass = 0; pass < passes; pass++)
            {
                for (var slice = 0; slice < SyncPoints; slice++)
                {
                    // Within a slice a lane reads other lanes' finished slices only, so sequential lanes give
                    // the same result as parallel ones.
                    for (var lane = 0; lane < lanes; lane++)
                    {
                        FillSegment(shape, pass, lane, slice);
                    }
                }
            }
            // C = the XOR of every lane's last block (into lane 0's, which is wiped below); tag = H′(C).
            var final = Block(shape.LaneLength - 1);
            for (var lane = 1; lane < lanes; lane++)
            {
                var last = Block(lane * shape.LaneLength + shape.LaneLength - 1);
                for (var i = 0; i < BlockWords; i++)
                {
                    final[i] ^= last[i];
                }
            }
            HPrime(MemoryMarshal.AsBytes(final), tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(h0);
            Wipe(shape.Blocks);
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Zeroes the scratch blocks and the first <paramref name="blocks"/> blocks: all a hash wrote.</summary>
    private void Wipe(int blocks) =>
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_words.AsSpan(_offset, (ScratchBlocks + blocks) * BlockWords)));

    private Span<ulong> Block(int index) => _words.AsSpan(_offset + (ScratchBlocks + index) * BlockWords, BlockWords);

    private Span<ulong> Scratch(int index) => _words.AsSpan(_offset + index * BlockWords, BlockWords);

    private Span<byte> BlockAsBytes(int index) => MemoryMarshal.AsBytes(Block(index));

    /// <summary>
    /// H₀ = BLAKE2b-512 over the parameters and the inputs, each input preceded by its length (RFC 9106 §3.2, step 1).
    /// </summary>
    internal static void InitialHash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData, int lanes, int memoryKiB, int passes, int tagLength, Span<byte> h0,
        int type = TypeArgon2id)
    {
        IncrementalHash.Initialize(HashAlgorithm.Blake2b_512, out var state);
        Update(ref state, (uint)lanes);
        Update(ref state, (uint)tagLength);
        Update(ref state, (uint)memoryKiB);
        Update(ref state, (uint)passes);
        Update(ref state, Version);
        Update(ref state, (uint)type);
        UpdateWithLength(ref state, password);
        UpdateWithLength(ref state, salt);
        UpdateWithLength(ref state, secret);
        UpdateWithLength(ref state, associatedData);
        IncrementalHash.Finalize(ref state, h0);
    }

    private static void UpdateWithLength(ref IncrementalHash state, ReadOnlySpan<byte> input)
    {
        Update(ref state, (uint)input.Length);
        IncrementalHash.Update(ref state, input);
    }

    /// <summary>
    /// H′ (RFC 9106 §3.3): BLAKE2b of <c>LE32(T) ‖ input</c> when T ≤ 64; otherwise 32-byte halves of a chain of
    /// BLAKE2b-512 hashes, ended by one hash of the remaining 33–64 bytes.
    /// </summary>
    internal static void HPrime(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < 32)
        {
            ShortBlake2b(input, output);
            return;
        }
        var first = output.Length <= 64 ? Blake2b(output.Length) : HashAlgorithm.Blake2b_512;
        Span<byte> v = stackalloc byte[64];
        Span<byte> next = stackalloc byte[64];
        try
        {
            IncrementalHash.Initialize(first, out var state);
            Update(ref state, (uint)output.Length);
            IncrementalHash.Update(ref state, input);
            if (output.Length <= 64)
            {
                IncrementalHash.Finalize(ref state, output);
                return;
            }
            IncrementalHash.Finalize(ref state, v);
            v[..32].CopyTo(output);
            var written = 32;
            while (output.Length - written > 64)
            {
                HashAlgorithm.Blake2b_512.Hash(v, next);
                next.CopyTo(v);
                v[..32].CopyTo(output[written..]);
                written += 32;
            }
            Blake2b(output.Length - written).Hash(v, output[written..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(v);
            CryptographicOperations.ZeroMemory(next);
        }
    }

    private static HashAlgorithm Blake2b(int bytes) => bytes switch
    {
        64 => HashAlgorithm.Blake2b_512,
        32 => HashAlgorithm.Blake2b_256,
        _ => new Blake2b(bytes),
    };

    /// <summary>H′ for a tag of 16 to 31 bytes: BLAKE2b-T of <c>LE32(T) ‖ input</c>, by libsodium's own generichash.</summary>
    private static void ShortBlake2b(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var message = new byte[4 + input.Length];
        try
        {
            BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)output.Length);
            input.CopyTo(message.AsSpan(4));
            var digest = new byte[output.Length];
            if (Sodium.GenericHash(digest, (nuint)digest.Length, message, (ulong)message.Length, null, 0) != 0)
            {
                throw new CryptographicException("libsodium refused the BLAKE2b length.");
            }
            digest.CopyTo(output);
            CryptographicOperations.ZeroMemory(digest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
        }
    }

    /// <summary>The libsodium that NSec ships and loads (the same native library, called by name).</summary>
    private static class Sodium
    {
        [System.Runtime.InteropServices.DllImport("libsodium", EntryPoint = "crypto_generichash")]
        internal static extern int GenericHash(byte[] output, nuint outputLength, byte[] input, ulong inputLength, byte[]? key, nuint keyLength);
    }

    private static void Update(ref IncrementalHash state, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        IncrementalHash.Update(ref state, bytes);
    }

    private readonly record struct Shape(int Lanes, int LaneLength, int SegmentLength, int Blocks, int Passes, int Type);

    /// <summary>Fills one segment (a quarter of a lane) in one pass (RFC 9106 §3.4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillSegment(in Shape shape, int pass, int lane, int slice)
    {
        // Argon2id: the first half of the first pass takes reference indices from a generator (independent of
        // the password, against side channels), everything after from the previous block (against trade-offs).
        // Argon2i always uses the generator, Argon2d never.
        var dataIndependent = shape.Type == TypeArgon2i || (shape.Type == TypeArgon2id && pass == 0 && slice < SyncPoints / 2);
        var input = Scratch(AddressInput);
        var addresses = Scratch(Addresses);
        if (dataIndependent)
        {
            input.Clear();
            input[0] = (ulong)pass;
            input[1] = (ulong)lane;
            input[2] = (ulong)slice;
            input[3] = (ulong)shape.Blocks;
            input[4] = (ulong)shape.Passes;
            input[5] = (ulong)shape.Type;
        }
        var laneStart = lane * shape.LaneLength;
        var first = pass == 0 && slice == 0 ? 2 : 0; // blocks 0 and 1 of each lane come from H₀
        for (var i = first; i < shape.SegmentLength; i++)
        {
            var index = slice * shape.SegmentLength + i; // within the lane
            var previous = laneStart + (index == 0 ? shape.LaneLength - 1 : index - 1);
            ulong pseudoRandom;
            if (dataIndependent)
            {
                // A new block of 128 addresses at the segment's start and every 128 blocks: G²(0, input), counter + 1.
                if (i == first || i % BlockWords == 0)
                {
                    input[6]++;
                    Compress(Scratch(Zero), input, addresses, withXor: false);
                    Compress(Scratch(Zero), addresses, addresses, withXor: false);
                }
                pseudoRandom = addresses[i % BlockWords];
            }
            else
            {
                pseudoRandom = Block(previous)[0];
            }
            var referenceLane = pass == 0 && slice == 0 ? lane : (int)((pseudoRandom >> 32) % (ulong)shape.Lanes);
            var referenceIndex = ReferenceIndex(shape, pass, slice, i, (uint)pseudoRandom, referenceLane == lane);
            // Version 0x13: passes after the first XOR the new block into the old one.
            var reference = Block(referenceLane * shape.LaneLength + referenceIndex);
            Compress(Block(previous), reference, Block(laneStart + index), withXor: pass != 0);
        }
    }

    /// <summary>
    /// The reference block's index within its lane (RFC 9106 §3.4.1.1): J₁ mapped non-uniformly onto the blocks
    /// that may be referenced, which are all finished blocks except the previous one, and in other lanes except
    /// the current slice.
    /// </summary>
    private static int ReferenceIndex(in Shape shape, int pass, int slice, int i, uint j1, bool sameLane)
    {
        // The size of the reference set: the finished slices (pass 0) or the three other segments of the lane, plus in
        // the current lane this segment's blocks before the previous one; another lane's set loses its last block at i = 0.
        uint area = pass == 0
            ? (uint)(slice * shape.SegmentLength)
            : (uint)(shape.LaneLength - shape.SegmentLength);
        area = sameLane ? area + (uint)i - 1 : area - (i == 0 ? 1u : 0u);

        ulong x = (ulong)j1 * j1 >> 32;
        var relative = area - 1 - (area * x >> 32);
        // After the first pass the set starts just after the current segment and wraps around the lane.
        var start = pass != 0 && slice != SyncPoints - 1 ? (ulong)((slice + 1) * shape.SegmentLength) : 0;
        return (int)((start + relative) % (ulong)shape.LaneLength);
    }

    private void Compress(ReadOnlySpan<ulong> previous, ReadOnlySpan<ulong> reference, Span<ulong> next, bool withXor) =>
        Argon2Compression.Compress(previous, reference, next, withXor, Scratch(ScratchR), Scratch(ScratchT), _vectorised);
}
