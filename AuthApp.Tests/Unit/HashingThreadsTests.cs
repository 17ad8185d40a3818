using AuthApp.Api.Passwords;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthApp.Tests.Unit;

/// <summary>
/// Password hashes run on their own threads, below the requests' priority, so every core can hash yet reads go first.
/// Linux only (the nice value is read from /proc), run at normal priority, as ./test.sh does.
/// </summary>
public class HashingThreadsTests
{
    [Fact]
    public async Task Hashes_run_on_threads_of_a_lower_priority_than_the_callers()
    {
        using var threads = new HashingThreads(1, lowerPriority: true, NullLogger<HashingThreads>.Instance);

        var (name, nice) = await threads.RunAsync(() => (Thread.CurrentThread.Name, NiceOfThisThread()));

        Assert.Equal("password-hashing-0", name);
        Assert.Equal(HashingThreads.LinuxNice, nice);
        Assert.Equal(0, NiceOfThisThread()); // the caller's own thread is untouched

        // Whatever the thread pool starts after hashes have run, it starts at normal priority.
        var niceOfPoolThreads = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() =>
        {
            Thread.Sleep(10);
            return NiceOfThisThread();
        })));
        Assert.All(niceOfPoolThreads, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task Without_the_lower_priority_hashes_run_at_the_callers_priority()
    {
        var callers = NiceOfThisThread();
        using var threads = new HashingThreads(1, lowerPriority: false, NullLogger<HashingThreads>.Instance);

        Assert.Equal(callers, await threads.RunAsync(NiceOfThisThread));
    }

    [Fact]
    public async Task A_failing_hash_fails_its_caller_and_the_thread_goes_on()
    {
        using var threads = new HashingThreads(1, lowerPriority: true, NullLogger<HashingThreads>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => threads.RunAsync<int>(() => throw new InvalidOperationException()));
        Assert.Equal(42, await threads.RunAsync(() => 42));
    }

    [Fact]
    public void Every_core_hashes_by_default_and_one_is_kept_free_without_the_lower_priority()
    {
        Assert.Equal(Environment.ProcessorCount, new HashingConcurrencyOptions().EffectiveConcurrency);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1),
            new HashingConcurrencyOptions { LowerPriority = false }.EffectiveConcurrency);
        Assert.Equal(3, new HashingConcurrencyOptions { MaxConcurrentHashes = 3 }.EffectiveConcurrency);
    }

    /// <summary>Field 19 of /proc/thread-self/stat (after the command name in parentheses): the thread's nice value.</summary>
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
    }
}
