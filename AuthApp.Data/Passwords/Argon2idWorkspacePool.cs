namespace AuthApp.Data.Passwords;

/// <summary>
/// At most <see cref="Capacity"/> <see cref="Argon2idWorkspace"/>s of <see cref="MemoryKiB"/> each, one per hashing
/// slot: the API sizes it to its hashing gate's concurrency, so every gated hash finds one free. A workspace is
/// created at its first use and then kept for the process's life (its memory stays mapped: that is the point).
/// </summary>
/// <remarks>
/// A workspace never leaves the pool: <see cref="TryHash"/> takes one under a lock, hashes on the calling thread and
/// puts it back, so no two threads ever share one. When none is free (hashes outside the gate, e.g. the hasher's
/// start-up dummy hash racing a request) or the hash needs more memory than the pool's workspaces have (a stored hash
/// from a larger configured cost), <see cref="TryHash"/> returns false and the caller computes the hash with libsodium,
/// whose fresh memory is released right after: the pool neither waits nor grows.
/// </remarks>
public sealed class Argon2idWorkspacePool
{
    private readonly Lock _lock = new();
    private readonly Stack<Argon2idWorkspace> _idle = new();
    private int _created;

    /// <param name="knownAnswerTest">
    /// Checks the own core before any hash is trusted to it (<see cref="Argon2idWorkspace.PassesKnownAnswerTest"/>
    /// unless a test gives another).
    /// </param>
    public Argon2idWorkspacePool(int memoryKiB, int capacity, Func<bool>? knownAnswerTest = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        MemoryKiB = memoryKiB;
        Capacity = capacity;
        CoreVerified = (knownAnswerTest ?? Argon2idWorkspace.PassesKnownAnswerTest)();
    }

    /// <summary>Whether the own core passed its known-answer test; when not, <see cref="TryHash"/> never uses it.</summary>
    public bool CoreVerified { get; }

    public int MemoryKiB { get; }

    public int Capacity { get; }

    /// <summary>Workspaces created so far (each holds <see cref="MemoryKiB"/> KiB until the process ends).</summary>
    public int Created
    {
        get
        {
            lock (_lock)
            {
                return _created;
            }
        }
    }

    /// <summary>
    /// Argon2id (p = 1) in a pooled workspace; false, computing nothing, when the core failed its known-answer test,
    /// the parameters are outside what a workspace computes (more than <see cref="MemoryKiB"/>, a tag under <see cref="Argon2idWorkspace.MinTagBytes"/>)
    /// or every workspace is in use.
    /// </summary>
    public bool TryHash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKiB, int passes, Span<byte> tag)
    {
        if (!CoreVerified || memoryKiB > MemoryKiB || tag.Length < Argon2idWorkspace.MinTagBytes)
        {
            return false;
        }
        var workspace = Rent();
        if (workspace is null)
        {
            return false;
        }
        try
        {
            workspace.Hash(password, salt, memoryKiB, passes, tag);
            return true;
        }
        finally
        {
            lock (_lock)
            {
                _idle.Push(workspace);
            }
        }
    }

    /// <summary>
    /// Creates every workspace not created yet and hashes once in each of those that are free, so that each pays its
    /// first-touch page faults (and the hashing code its JIT) now rather than in a login. All are held at once, so
    /// each is used, however the threads are scheduled; a hash that arrives meanwhile finds none free and falls back.
    /// </summary>
    public void WarmUp()
    {
        var held = new List<Argon2idWorkspace>(Capacity);
        try
        {
            while (Rent() is { } workspace)
            {
                held.Add(workspace);
            }
            Span<byte> tag = stackalloc byte[Argon2idWorkspace.MinTagBytes];
            foreach (var workspace in held)
            {
                workspace.Hash("warm-up"u8, "warm-up-salt-16b"u8, MemoryKiB, passes: 1, tag);
            }
        }
        finally
        {
            lock (_lock)
            {
                held.ForEach(_idle.Push);
            }
        }
    }

    private Argon2idWorkspace? Rent()
    {
        lock (_lock)
        {
            if (_idle.TryPop(out var idle))
            {
                return idle;
            }
            if (_created == Capacity)
            {
                return null;
            }
            _created++;
        }
        // Allocated outside the lock (it zeroes MemoryKiB KiB); counted first, so the capacity holds.
        try
        {
            return new Argon2idWorkspace(MemoryKiB);
        }
        catch
        {
            lock (_lock)
            {
                _created--;
            }
            throw;
        }
    }
}
