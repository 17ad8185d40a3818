using System.Collections.Concurrent;
using System.Text;
using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace AuthApp.Tests.Unit;

/// <summary>
/// AuthApp's own Argon2id (<see cref="Argon2idWorkspace"/>) against RFC 9106's vector, the reference <c>argon2</c>
/// tool and libsodium over thousands of random inputs (fixed seeds, so a failure reproduces), with the AVX2 and the
/// scalar compression; and its pool: wiped after each hash, reusable, one workspace per thread.
/// </summary>
public sealed class Argon2idWorkspaceTests
{
    private static readonly byte[] Salt16 = "saltsaltsaltsalt"u8.ToArray();

    public static TheoryData<bool> Vectorised() => [true, false];

    [Theory]
    [MemberData(nameof(Vectorised))]
    public void Rfc9106_argon2id_vector_with_secret_associated_data_and_four_lanes(bool vectorised)
    {
        // RFC 9106 §5.3: t=3, m=32 KiB, p=4, T=32; P = 32×0x01, S = 16×0x02, K = 8×0x03, X = 12×0x04.
        byte[] password = [.. Enumerable.Repeat((byte)0x01, 32)], salt = [.. Enumerable.Repeat((byte)0x02, 16)];
        byte[] secret = [.. Enumerable.Repeat((byte)0x03, 8)], associatedData = [.. Enumerable.Repeat((byte)0x04, 12)];

        var h0 = new byte[64];
        Argon2idWorkspace.InitialHash(password, salt, secret, associatedData, lanes: 4, memoryKiB: 32, passes: 3, tagLength: 32, h0);
        Assert.Equal(Hex("""
            28 89 de 48 7e b4 2a e5 00 c0 00 7e d9 25 2f 10 69 ea de c4 0d 57 65 b4 85 de 6d c2 43 7a 67 b8
            54 6a 2f 0a cc 1a 08 82 db 8f cf 74 71 4b 47 2e 94 df 42 1a 5d a1 11 2f fa 11 43 43 70 a1 e9 97
            """), h0);

        var tag = new byte[32];
        new Argon2idWorkspace(32, vectorised).Hash(password, salt, secret, associatedData, lanes: 4, memoryKiB: 32, passes: 3, tag);
        Assert.Equal(Hex("""
            0d 64 0d f5 8d 78 76 6c 08 c0 37 a3 4a 8b 53 c9 d0 1e f0 45 2d 75 b6 5e b5 25 20 e9 6b 01 e6 59
            """), tag);
    }

    [Theory]
    [MemberData(nameof(Vectorised))]
    public void Matches_the_reference_argon2_tool(bool vectorised)
    {
        // echo -n 'correct horse battery staple' | argon2 saltsaltsaltsalt -id -t 2 -m 15 -p 1 -l 32 -e (PasswordHasherTests)
        var tag = new byte[32];
        new Argon2idWorkspace(32768, vectorised).Hash("correct horse battery staple"u8, Salt16, 32768, 2, tag);
        Assert.Equal(Convert.FromBase64String("5f26cFV8e24nrLpUAiNH+b/hIflbkh0+hSwXdfYsyjE="), tag);
    }

    [Theory]
    [InlineData(true, 2000, 11)]
    [InlineData(false, 300, 12)]
    public void Equals_libsodium_over_random_inputs(bool vectorised, int count, int seed)
    {
        var random = new Random(seed);
        var workspace = new Argon2idWorkspace(256, vectorised);
        int[] tagLengths = [32, 32, 32, 33, 48, 63, 64, 65, 96, 97, 128, 1024];
        for (var i = 0; i < count; i++)
        {
            var password = new byte[random.Next(8) switch { 0 => 0, 1 => random.Next(1000, 5000), _ => random.Next(1, 130) }];
            random.NextBytes(password);
            var salt = new byte[16];
            random.NextBytes(salt);
            var memory = random.Next(8, 257);
            var passes = random.Next(1, 5);
            var tag = new byte[tagLengths[random.Next(tagLengths.Length)]];

            workspace.Hash(password, salt, memory, passes, tag);
            Assert.True(Libsodium(password, salt, memory, passes, tag.Length).AsSpan().SequenceEqual(tag),
                $"input {i}: |P|={password.Length}, m={memory}, t={passes}, T={tag.Length}");
        }
    }

    [Fact]
    public void Equals_libsodium_at_the_default_cost()
    {
        var random = new Random(13);
        var workspace = new Argon2idWorkspace(19_456);
        for (var i = 0; i < 3; i++)
        {
            var password = Encoding.UTF8.GetBytes($"pässwörd {random.Next()}");
            var salt = new byte[16];
            random.NextBytes(salt);
            var tag = new byte[32];
            workspace.Hash(password, salt, 19_456, 2, tag);
            Assert.Equal(Libsodium(password, salt, 19_456, 2, 32), tag);
        }
    }

    [Fact]
    public void The_memory_is_wiped_after_every_hash_and_reuse_gives_the_same_results()
    {
        var workspace = new Argon2idWorkspace(1024);
        var first = new byte[32];
        workspace.Hash("first"u8, Salt16, 1024, 2, first);
        Assert.True(workspace.Words.IndexOfAnyExcept(0UL) < 0, "the workspace was not wiped");

        var other = new byte[32];
        workspace.Hash("other"u8, Salt16, 100, 3, other); // a smaller m in the same memory
        Assert.True(workspace.Words.IndexOfAnyExcept(0UL) < 0, "the workspace was not wiped");
        Assert.Equal(Libsodium("other"u8.ToArray(), Salt16, 100, 3, 32), other);

        var again = new byte[32];
        workspace.Hash("first"u8, Salt16, 1024, 2, again);
        Assert.Equal(first, again);
        Assert.Equal(Libsodium("first"u8.ToArray(), Salt16, 1024, 2, 32), first);
    }

    [Fact]
    public void Out_of_range_parameters_are_refused()
    {
        var workspace = new Argon2idWorkspace(64);
        var tag = new byte[32];
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Hash("p"u8, Salt16, 65, 1, tag));
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Hash("p"u8, Salt16, 7, 1, tag));
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Hash("p"u8, Salt16, 64, 0, tag));
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Hash("p"u8, Salt16, 64, 1, new byte[15]));

        var pool = new Argon2idWorkspacePool(64, capacity: 1);
        Assert.False(pool.TryHash("p"u8, Salt16, 65, 1, tag));              // more memory than its workspaces
        Assert.False(pool.TryHash("p"u8, Salt16, 64, 1, new byte[15]));   // a tag libsodium's BLAKE2b cannot end
        Assert.Equal(0, pool.Created);
    }

    [Fact]
    public async Task A_workspace_refuses_a_second_thread_while_it_hashes()
    {
        var workspace = new Argon2idWorkspace(65_536);
        var first = Task.Run(() => workspace.Hash("first"u8, Salt16, 65_536, 3, new byte[32]));
        SpinWait.SpinUntil(() => workspace.IsBusy || first.IsCompleted);
        Assert.True(workspace.IsBusy, "the first hash ended before the second began");
        Assert.Throws<InvalidOperationException>(() => workspace.Hash("second"u8, Salt16, 64, 1, new byte[32]));
        await first;
        Assert.False(workspace.IsBusy);
    }

    [Fact]
    public void Warming_up_creates_and_uses_every_workspace_and_leaves_them_all_free()
    {
        var pool = new Argon2idWorkspacePool(512, capacity: 3);

        pool.WarmUp();

        Assert.Equal(3, pool.Created);
        var tag = new byte[32];
        Assert.True(pool.TryHash("after"u8, Salt16, 512, 2, tag));
        Assert.Equal(Libsodium("after"u8.ToArray(), Salt16, 512, 2, 32), tag);
    }

    [Fact]
    public void The_core_passes_its_known_answer_test_here_and_a_core_that_fails_it_is_never_used()
    {
        Assert.True(Argon2idWorkspace.PassesKnownAnswerTest());
        Assert.True(new Argon2idWorkspacePool(512, capacity: 1).CoreVerified);

        var distrusted = new Argon2idWorkspacePool(512, capacity: 1, knownAnswerTest: () => false);
        Assert.False(distrusted.CoreVerified);
        Assert.False(distrusted.TryHash("password"u8, Salt16, 512, 2, new byte[32]));
        Assert.Equal(0, distrusted.Created);
        // The hasher then computes every hash with libsodium: the same answers.
        var options = Options.Create(new PasswordHashingOptions { MemorySizeKiB = 512, Iterations = 2 });
        var hasher = new PasswordHasher(options, workspaces: distrusted);
        var hash = hasher.Hash("password");
        Assert.Equal(PasswordVerification.Success, new PasswordHasher(options).Verify(hash, "password"));
        Assert.Equal(0, distrusted.Created);
    }

    [Fact]
    public void Many_threads_hash_through_the_pool_with_correct_results_and_at_most_one_workspace_per_slot()
    {
        const int threads = 8, perThread = 25, memory = 512;
        var pool = new Argon2idWorkspacePool(memory, capacity: 3);
        var fellBack = 0;
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var password = Encoding.UTF8.GetBytes($"thread {thread} password {i}");
                var tag = new byte[32];
                if (!pool.TryHash(password, Salt16, memory, 2, tag))
                {
                    Interlocked.Increment(ref fellBack);
                    continue;
                }
                if (!tag.AsSpan().SequenceEqual(Libsodium(password, Salt16, memory, 2, 32)))
                {
                    failures.Add($"thread {thread}, hash {i}");
                }
            }
        });
        Assert.Empty(failures);
        Assert.InRange(pool.Created, 1, 3);
        Assert.True(fellBack < threads * perThread, "no hash found a free workspace");
    }

    [Fact]
    public void The_hasher_gives_the_same_answers_from_warm_workspaces_and_from_libsodium_under_concurrency()
    {
        // Two workspaces for eight threads: some hashes fall back to libsodium; every answer must be right.
        var options = Options.Create(new PasswordHashingOptions { MemorySizeKiB = 1024, Iterations = 1 });
        var hasher = new PasswordHasher(options, workspaces: new Argon2idWorkspacePool(1024, capacity: 2));
        var hashes = Enumerable.Range(0, 8).Select(i => hasher.Hash($"password {i}")).ToArray();
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            for (var i = 0; i < 40; i++)
            {
                var n = (thread + i) % hashes.Length;
                if (hasher.Verify(hashes[n], $"password {n}") != PasswordVerification.Success ||
                    hasher.Verify(hashes[n], $"password {n + 1}") != PasswordVerification.Failed)
                {
                    failures.Add($"thread {thread}, hash {n}");
                }
            }
        });
        Assert.Empty(failures);
    }

    private static byte[] Libsodium(byte[] password, byte[] salt, int memoryKiB, int passes, int length) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = passes,
        }).DeriveBytes(password, salt, length);

    private static byte[] Hex(string spaced) => Convert.FromHexString(string.Concat(spaced.Where(char.IsAsciiHexDigit)));
}
