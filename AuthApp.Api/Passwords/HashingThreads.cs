using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace AuthApp.Api.Passwords;

/// <summary>
/// The threads that compute password hashes, one per hashing slot. The first runs at normal priority; with
/// <see cref="HashingConcurrencyOptions.LowerPriority"/> on, the others run at a lower OS scheduling priority (nice +10
/// on Linux, below normal elsewhere). A hash takes ~15 ms of a core. At equal priority a login flood that fills every
/// slot takes cores from token checks and reads, so the API used to keep one core free of hashing; at a lower priority
/// the scheduler runs request threads first whenever they have work (a nice +10 thread gets about a tenth of a core
/// against each busy one), and the extra slots hash with what is left: on two cores, twice the logins per second
/// while nothing else waits. The first slot keeps its fair share of a core whatever else runs, so a machine busy with
/// reads still signs people in, as it did with the one slot before.
/// </summary>
public sealed class HashingThreads : IDisposable
{
    /// <summary>Linux's nice value of the extra hashing threads: weight 110 against 1,024 for the request threads.</summary>
    public const int LinuxNice = 10;

    private readonly BlockingCollection<Action> _work = new();
    private readonly BlockingCollection<Action> _completions = new();
    private readonly ILogger<HashingThreads> _logger;
    private int _running;

    public HashingThreads(int count, bool lowerPriority, ILogger<HashingThreads> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _logger = logger;
        _running = count;
        for (var i = 0; i < count; i++)
        {
            var lower = lowerPriority && i > 0;
            // UnsafeStart: a thread started inside the first login's request must not keep that request's context
            // (its Activity, its logging scopes) for the life of the process.
            new Thread(() => Run(lower)) { IsBackground = true, Name = $"password-hashing-{i}" }.UnsafeStart();
        }
        new Thread(Complete) { IsBackground = true, Name = "password-hashing-completion" }.UnsafeStart();
    }

    /// <summary>Runs <paramref name="work"/> on a hashing thread; the caller's thread is free meanwhile.</summary>
    /// <remarks>
    /// A thread that Linux creates takes its creator's nice value, and completing a task queues its continuation to the
    /// thread pool, which may start a worker from the completing thread: completed from a hashing thread, that worker
    /// would serve requests at nice +10 for the rest of its life (a test saw it). So a hashing thread only computes and
    /// hands the result to the completion thread, at normal priority, which completes the task. (Waiting for the hash
    /// on the request's own thread instead starved the thread pool: every slot's thread blocked, reads queued behind.)
    /// </remarks>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add(() => HandOver(done, Compute(work)));
        }
        catch (InvalidOperationException)
        {
            // Disposed (the host is stopping): no hashing thread will take it.
            done.SetException(new ObjectDisposedException(nameof(HashingThreads)));
        }
        return done.Task;
    }

    /// <summary>Stops taking work; hashes already queued still finish and complete their tasks.</summary>
    public void Dispose() => _work.CompleteAdding();

    private static Action<TaskCompletionSource<T>> Compute<T>(Func<T> work)
    {
        try
        {
            var result = work();
            return done => done.SetResult(result);
        }
        catch (Exception e)
        {
            return done => done.SetException(e);
        }
    }

    private void HandOver<T>(TaskCompletionSource<T> done, Action<TaskCompletionSource<T>> complete) =>
        _completions.Add(() => complete(done));

    private void Run(bool lowerPriority)
    {
        if (lowerPriority)
        {
            LowerThisThreadsPriority();
        }
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
        // The last hashing thread out closes the completions, after every hash it and the others handed over.
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _completions.CompleteAdding();
        }
    }

    private void Complete()
    {
        foreach (var complete in _completions.GetConsumingEnumerable())
        {
            complete();
        }
    }

    private void LowerThisThreadsPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            return;
        }
        try
        {
            // Thread.Priority does nothing on Linux. There the nice value belongs to each thread, and setpriority with
            // PRIO_PROCESS and who = 0 sets the calling thread's alone.
            if (SetPriority(PriorityProcess, 0, LinuxNice) != 0)
            {
                _logger.LogWarning("Could not lower the priority of a hashing thread (errno {Errno}); it hashes at normal priority",
                    Marshal.GetLastPInvokeError());
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _logger.LogWarning(e, "Could not lower the priority of a hashing thread; it hashes at normal priority");
        }
    }

    private const int PriorityProcess = 0;

    // DllImport rather than LibraryImport: one call of plain ints needs no generated marshalling (nor unsafe code).
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);
#pragma warning restore SYSLIB1054
}
