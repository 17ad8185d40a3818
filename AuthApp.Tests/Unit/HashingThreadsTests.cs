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
    public async Task The_first_slot_hashes_at_the_callers_priority_and_the_others_lower()
    {
        using var threads = new HashingThreads(2, lowerPriority: true, NullLogger<HashingThreads>.Instance);

        // Both threads busy at once (each waits for the other), so each reports its own name and nice value.
        using var both = new Barrier(2);
        var seen = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => threads.RunAsync(() =>
        {
            both.SignalAndWait(TimeSpan.FromSeconds(10));
            return $"{Thread.CurrentThread.Name} nice {NiceOfThisThread()}";
        })));

        Assert.Equal(["password-hashing-0 nice 0", $"password-hashing-1 nice {HashingThreads.LinuxNice}"], seen.Order().ToArray());
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
    public async Task Work_queued_before_disposal_finishes_and_work_after_it_is_refused()
    {
        var threads = new HashingThreads(1, lowerPriority: true, NullLogger<HashingThreads>.Instance);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = threads.RunAsync(() =>
        {
            started.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return 1;
        });
        var queued = threads.RunAsync(() => 2);
        started.Wait(TimeSpan.FromSeconds(10));

        threads.Dispose();
        release.Set();

        Assert.Equal(1, await running);
        Assert.Equal(2, await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => threads.RunAsync(() => 3));
    }

    [Fact]
    public async Task Without_the_lower_priority_hashes_run_at_the_callers_priority()
    {
        var callers = NiceOfThisThread();
        using var threads = new HashingThreads(2, lowerPriority: false, NullLogger<HashingThreads>.Instance);

        using var both = new Barrier(2);
        var seen = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => threads.RunAsync(() =>
        {
            both.SignalAndWait(TimeSpan.FromSeconds(10));
            return NiceOfThisThread();
        })));
        Assert.All(seen, nice => Assert.Equal(callers, nice));
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
