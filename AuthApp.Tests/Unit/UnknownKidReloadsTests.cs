using AuthApp.Api.Tokens.Keys;

namespace AuthApp.Tests.Unit;

/// <summary>The bound on key re-reads that tokens with unknown kids cause (ES256 across instances).</summary>
public sealed class UnknownKidReloadsTests
{
    private static readonly TimeSpan Spacing = KeyRing.UnknownKidReloadSpacing;

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly UnknownKidReloads _reloads;
    private int _reads;

    public UnknownKidReloadsTests() => _reloads = new UnknownKidReloads(_clock, Spacing);

    private Task CountedRead()
    {
        Interlocked.Increment(ref _reads);
        return Task.CompletedTask;
    }

    /// <summary>What KeyRing does with a kid the re-read did not find.</summary>
    private async Task<bool> LookUpMadeUpKidAsync()
    {
        if (_reloads.TryBegin(CountedRead) is not { } reload)
        {
            return false;
        }
        await reload;
        _reloads.ReportStillUnknown();
        return true;
    }

    [Fact]
    public async Task A_thousand_made_up_kids_within_the_spacing_cost_one_read()
    {
        for (var i = 0; i < 1000; i++)
        {
            await LookUpMadeUpKidAsync();
            _clock.Now += TimeSpan.FromMilliseconds(4);
        }
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task Once_the_spacing_has_passed_an_unknown_kid_reads_again()
    {
        Assert.True(await LookUpMadeUpKidAsync());
        _clock.Now += Spacing - TimeSpan.FromMilliseconds(1);
        Assert.False(await LookUpMadeUpKidAsync());
        _clock.Now += TimeSpan.FromMilliseconds(1);
        Assert.True(await LookUpMadeUpKidAsync());
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task A_read_that_found_its_key_holds_nothing_back()
    {
        // Two rotations on other instances in quick succession: each new kid is looked up at once.
        await _reloads.TryBegin(CountedRead)!;
        await _reloads.TryBegin(CountedRead)!;
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Requests_that_come_during_a_read_wait_for_that_read_instead_of_being_refused()
    {
        var database = new TaskCompletionSource();
        var first = _reloads.TryBegin(() => { Interlocked.Increment(ref _reads); return database.Task; });
        _clock.Now += Spacing * 3; // a slow read: still the one to wait for
        var second = _reloads.TryBegin(CountedRead);

        Assert.NotNull(first);
        Assert.Same(first, second);
        database.SetResult();
        await first;
        Assert.Equal(1, _reads);
    }

    [Fact]
    public void A_read_that_hangs_holds_up_one_round_of_requests_not_every_one()
    {
        var hanging = new TaskCompletionSource();
        Assert.NotNull(_reloads.TryBegin(() => hanging.Task));
        _reloads.ReportStillUnknown(); // the first waiter gave up
        Assert.Null(_reloads.TryBegin(CountedRead));
        hanging.SetResult();
    }

    [Fact]
    public async Task A_clock_set_back_does_not_hold_reads_back_for_longer_than_the_spacing()
    {
        Assert.True(await LookUpMadeUpKidAsync());
        _clock.Now -= TimeSpan.FromHours(1);
        Assert.True(await LookUpMadeUpKidAsync());
        Assert.Equal(2, _reads);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
