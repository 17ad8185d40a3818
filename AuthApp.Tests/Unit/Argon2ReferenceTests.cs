using System.Runtime.InteropServices;
using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit;

/// <summary>
/// AuthApp's own Argon2id core against the reference implementation (the C library of the Argon2 authors, Debian's
/// libargon2-1, called directly): random passwords, lanes from 1 to 8, memory up to 4,096 blocks (crossing the
/// address-block refresh every 128 blocks many times over), 1 to 4 passes and tags of 16 to 1,024 bytes (the own core's
/// range, Django's 16 included), plus the boundary shapes: m = 8·p, and m not a multiple of 4·p.
/// </summary>
public sealed partial class Argon2ReferenceTests
{
    [LibraryImport("libargon2.so.1", EntryPoint = "argon2id_hash_raw")]
    private static partial int Argon2idHashRaw(uint passes, uint memoryKiB, uint lanes, ReadOnlySpan<byte> password, nuint passwordLength,
        ReadOnlySpan<byte> salt, nuint saltLength, Span<byte> tag, nuint tagLength);

    [LibraryImport("libargon2.so.1", EntryPoint = "argon2i_hash_raw")]
    private static partial int Argon2iHashRaw(uint passes, uint memoryKiB, uint lanes, ReadOnlySpan<byte> password, nuint passwordLength,
        ReadOnlySpan<byte> salt, nuint saltLength, Span<byte> tag, nuint tagLength);

    [LibraryImport("libargon2.so.1", EntryPoint = "argon2d_hash_raw")]
    private static partial int Argon2dHashRaw(uint passes, uint memoryKiB, uint lanes, ReadOnlySpan<byte> password, nuint passwordLength,
        ReadOnlySpan<byte> salt, nuint saltLength, Span<byte> tag, nuint tagLength);

    /// <summary>The reference library's tag: Argon2d (0), Argon2i (1) or Argon2id (2).</summary>
    private static byte[] Reference(byte[] password, byte[] salt, int lanes, int memoryKiB, int passes, int tagLength, int type = 2)
    {
        var tag = new byte[tagLength];
        var (t, m, p) = ((uint)passes, (uint)memoryKiB, (uint)lanes);
        var result = type switch
        {
            0 => Argon2dHashRaw(t, m, p, password, (nuint)password.Length, salt, (nuint)salt.Length, tag, (nuint)tag.Length),
            1 => Argon2iHashRaw(t, m, p, password, (nuint)password.Length, salt, (nuint)salt.Length, tag, (nuint)tag.Length),
            _ => Argon2idHashRaw(t, m, p, password, (nuint)password.Length, salt, (nuint)salt.Length, tag, (nuint)tag.Length),
        };
        Assert.True(result == 0, $"libargon2 refused the parameters (error {result})");
        return tag;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Argon2d_and_argon2i_equal_the_reference_implementation_too(int type)
    {
        var random = new Random(40 + type);
        var workspace = new Argon2idWorkspace(2048);
        for (var i = 0; i < 40; i++)
        {
            var lanes = random.Next(1, 9);
            var memory = random.Next(8 * lanes, 2049);
            var passes = random.Next(1, 4);
            var tagLength = random.Next(16, 100);
            var password = new byte[random.Next(0, 64)];
            random.NextBytes(password);
            var salt = new byte[16];
            random.NextBytes(salt);

            var tag = new byte[tagLength];
            workspace.Hash(password, salt, secret: [], associatedData: [], lanes, memory, passes, tag, type);
            Assert.True(Reference(password, salt, lanes, memory, passes, tagLength, type).AsSpan().SequenceEqual(tag),
                $"type {type}, input {i}: p={lanes}, m={memory}, t={passes}, T={tagLength}");
        }
    }

    [Theory]
    [InlineData(true, 160, 31)]
    [InlineData(false, 40, 32)]
    public void Equals_the_reference_implementation_over_random_lanes_memory_passes_and_tag_lengths(bool vectorised, int count, int seed)
    {
        var random = new Random(seed);
        var workspace = new Argon2idWorkspace(4096, vectorised);
        for (var i = 0; i < count; i++)
        {
            var lanes = random.Next(1, 9);
            var memory = random.Next(4) switch
            {
                0 => 8 * lanes, // the smallest memory Argon2 allows
                1 => 4 * lanes * random.Next(2, 1024 / lanes) + random.Next(1, 4 * lanes), // not a multiple of 4·p: rounded down
                _ => random.Next(8 * lanes, 4097),
            };
            var passes = random.Next(1, 5);
            var tagLength = random.Next(3) switch { 0 => random.Next(16, 1025), 1 => random.Next(16, 32), _ => random.Next(32, 129) };
            var password = new byte[random.Next(0, 200)];
            random.NextBytes(password);
            var salt = new byte[random.Next(8, 65)];
            random.NextBytes(salt);

            var tag = new byte[tagLength];
            workspace.Hash(password, salt, secret: [], associatedData: [], lanes, memory, passes, tag);
            Assert.True(Reference(password, salt, lanes, memory, passes, tagLength).AsSpan().SequenceEqual(tag),
                $"input {i}: p={lanes}, m={memory}, t={passes}, T={tagLength}, |P|={password.Length}, |S|={salt.Length}");
        }
    }

    [Fact]
    public void The_reference_agrees_with_the_rfc_9106_shape_the_self_check_uses()
    {
        // The tool's own vector (-id -t 2 -m 15 -p 1 -l 32), also checked against the own core in Argon2idWorkspaceTests.
        var tag = Reference("correct horse battery staple"u8.ToArray(), "saltsaltsaltsalt"u8.ToArray(), 1, 32768, 2, 32);
        Assert.Equal(Convert.FromBase64String("5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE="), tag);
    }
}
