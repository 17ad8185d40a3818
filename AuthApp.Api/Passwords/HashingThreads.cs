using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace AuthApp.Api.Passwords;

/// <summary>
/// The threads that compute password hashes, one per hashing slot, each at a lower OS scheduling priority than the
/// rest of the process when <see cref="HashingConcurrencyOptions.LowerPriority"/> is on (nice +10 on Linux, below
/// normal elsewhere). A hash takes ~15 ms of a core; at equal priority a login flood that fills every slot takes cores
/// from token checks and reads, so the API used to keep one core free of hashing. At a lower priority the scheduler
/// runs the other threads first whenever they have work, and the hashes take what is left: every core can hash
/// while nothing else waits (on two cores, twice the logins per second), and reads still go first under a flood.
/// </summary>
public sealed class HashingThreads : IDisposable
{
    /// <summary>Linux's nice value of the hashing threads: weight 110 against 1,024 for the request threads.</summary>
    public const int LinuxNice = 10;

    private readonly BlockingCollection<Action> _work = new();
    private readonly BlockingCollection<Action> _completions = new();
    private readonly ILogger<HashingThreads> _logger;
    private readonly bool _lowerPriority;

    public HashingThreads(int count, bool lowerPriority, ILogger<HashingThreads> logger)
    {
        _logger = logger;
        _lowerPriority = lowerPriority;
        for (var i = 0; i < count; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"password-hashing-{i}" }.Start();
        }
        new Thread(Complete) { IsBackground = true, Name = "password-hashing-completion" }.Start();
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
        _work.Add(() =>
        {
            Action complete;
            try
            {
                var result = work();
                complete = () => done.SetResult(result);
            }
            catch (Exception e)
            {
                complete = () => done.SetException(e);
            }
            _completions.Add(complete);
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _completions.CompleteAdding();
    }

    private void Run()
    {
        if (_lowerPriority)
        {
            LowerThisThreadsPriority();
        }
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
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
        if (OperatingSystem.IsLinux())
        {
            // Thread.Priority does nothing on Linux; setpriority on the thread's own id changes that thread only.
            if (SetPriority(PriorityProcess, GetThreadId(), LinuxNice) != 0)
            {
                _logger.LogWarning("Could not lower the priority of a hashing thread (errno {Errno}); it hashes at normal priority",
                    Marshal.GetLastPInvokeError());
            }
            return;
        }
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
    }

    private const int PriorityProcess = 0;

    // DllImport rather than LibraryImport: two calls of plain ints need no generated marshalling (nor unsafe code).
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
#pragma warning restore SYSLIB1054
}
