using System.Net;
using System.Threading.RateLimiting;

namespace Pipeline.Tests.RateLimits;

/// <summary>A refused lease's hint, the wait before asking again, and which responses hold their host; no HTTP.</summary>
public sealed class RateLimitRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RetryAfter_FromMetadataNameRetryAfter()
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromSeconds(7), QueueLimit = 0, AutoReplenishment = false,
        });
        using var granted = limiter.AttemptAcquire();

        using var refused = limiter.AttemptAcquire();

        Assert.Equal(TimeSpan.FromSeconds(7), RateLimitRules.RetryAfter(refused));
    }

    [Theory]
    [InlineData("RATELIMIT_RETRYAFTER", 3, 3.0)]
    [InlineData("x-retry_after", 2.5, 2.5)]
    [InlineData("RATELIMIT_RETRYAFTER", "4", 4.0)]
    [InlineData("RATELIMIT_RETRYAFTER", -1, 0.0)]
    public void RetryAfter_FromADistributedLimitersSeconds(string name, object value, double expected)
    {
        using var lease = new MetadataLease(name, value);

        Assert.Equal(TimeSpan.FromSeconds(expected), RateLimitRules.RetryAfter(lease));
    }

    [Fact]
    public void RetryAfter_NoHint_IsNull()
    {
        using var lease = new MetadataLease("RATELIMIT_LIMIT", "10");

        Assert.Null(RateLimitRules.RetryAfter(lease));
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(20, 50)]
    [InlineData(1500, 1500)]
    public void WaitBeforeAsking_IsTheHint_AtLeastTheMinimum(int hintMs, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RateLimitRules.WaitBeforeAsking(TimeSpan.FromMilliseconds(hintMs)));
    }

    [Theory]
    [InlineData(429, "30", 30)]
    [InlineData(503, "30", 30)]
    [InlineData(429, "600", 120)]
    [InlineData(429, "Thu, 01 Jan 2026 00:00:20 GMT", 20)]
    [InlineData(429, "0", null)]
    [InlineData(429, "soon", null)]
    [InlineData(500, "30", null)]
    [InlineData(200, "30", null)]
    public void Hold_A429Or503WithAPositiveRetryAfter_CappedByMaxHold(int status, string retryAfter, int? expectedSeconds)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);

        var hold = RateLimitRules.Hold(response, Now, TimeSpan.FromSeconds(120));

        Assert.Equal(expectedSeconds is { } s ? TimeSpan.FromSeconds(s) : null, hold);
    }

    private sealed class MetadataLease(string name, object value) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == name ? value : null;
            return metadataName == name;
        }
    }
}
