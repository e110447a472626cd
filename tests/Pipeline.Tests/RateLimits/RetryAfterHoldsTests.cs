namespace Pipeline.Tests.RateLimits;

/// <summary>The table of hosts held by a Retry-After: expiry, the longer hold wins, bounded size.</summary>
public sealed class RetryAfterHoldsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Remaining_UntilTheHoldEnds_ThenNothingAndTheEntryGoes()
    {
        var holds = new RetryAfterHolds();
        holds.Hold("api.test:443", Now.AddSeconds(30), Now);

        Assert.Equal(TimeSpan.FromSeconds(10), holds.Remaining("api.test:443", Now.AddSeconds(20)));
        Assert.Null(holds.Remaining("other.test:443", Now));
        Assert.Null(holds.Remaining("api.test:443", Now.AddSeconds(30)));
        Assert.Equal(0, holds.Count);
    }

    [Fact]
    public void Hold_AShorterHold_DoesNotShortenALongerOne()
    {
        var holds = new RetryAfterHolds();

        holds.Hold("api.test:443", Now.AddSeconds(60), Now);
        holds.Hold("api.test:443", Now.AddSeconds(5), Now);

        Assert.Equal(TimeSpan.FromSeconds(60), holds.Remaining("api.test:443", Now));
    }

    [Fact]
    public void Hold_PastCapacity_DropsExpiredThenSoonestEnding()
    {
        var holds = new RetryAfterHolds();
        holds.Hold("expired.test:80", Now.AddSeconds(1), Now);
        for (var i = 0; i < RetryAfterHolds.Capacity; i++)
        {
            holds.Hold($"h{i}.test:80", Now.AddSeconds(100 + i), Now);
        }

        holds.Hold("late.test:80", Now.AddSeconds(5000), Now.AddSeconds(2));

        Assert.Equal(RetryAfterHolds.Capacity, holds.Count);
        Assert.Null(holds.Remaining("expired.test:80", Now.AddSeconds(2)));
        Assert.Null(holds.Remaining("h0.test:80", Now.AddSeconds(2)));
        Assert.NotNull(holds.Remaining("late.test:80", Now.AddSeconds(2)));
    }

    [Theory]
    [InlineData("https://API.example.com/x", "api.example.com:443")]
    [InlineData("http://127.0.0.1:8080/", "127.0.0.1:8080")]
    [InlineData("http://bücher.example/", "xn--bcher-kva.example:80")]
    public void HostKey_IsThePunycodeHostAndPort(string url, string expected)
    {
        Assert.Equal(expected, RetryAfterHolds.HostKey(new Uri(url)));
    }
}
