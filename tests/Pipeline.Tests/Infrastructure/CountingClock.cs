using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts the timers made from it, so a test advances the clock only once the wait
/// it means to end has started (a deadline's timer, a retry's delay, a rate-limit hold), never before.
/// </summary>
public sealed class CountingClock : TimeProvider
{
    private readonly FakeTimeProvider _fake = new();
    private int _timers;

    public int Timers => Volatile.Read(ref _timers);

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timers);
        return _fake.CreateTimer(callback, state, dueTime, period);
    }

    public void Advance(TimeSpan by) => _fake.Advance(by);

    /// <summary>Waits (10 s at most) until <paramref name="count"/> timers were made.</summary>
    public Task WaitForTimersAsync(int count) => Poll.UntilAsync(() => Timers >= count, $"{count} timer(s) (made {Timers})");
}
