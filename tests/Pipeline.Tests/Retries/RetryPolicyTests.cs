namespace Pipeline.Tests.Retries;

/// <summary>RetryPolicy's defaults, validation and urllib3 2.x's get_backoff_time, without HTTP.</summary>
public sealed class RetryPolicyTests
{
    [Fact]
    public void Defaults_AreRequestsHttpAdapterDefaults()
    {
        var policy = new RetryPolicy();

        Assert.Equal(0, policy.Total);
        Assert.Null(policy.Connect);
        Assert.Null(policy.Read);
        Assert.Null(policy.Status);
        Assert.Empty(policy.StatusForcelist);
        Assert.True(policy.RespectRetryAfterHeader);
        Assert.True(policy.RaiseOnStatus);
        Assert.Equal(TimeSpan.FromSeconds(120), policy.BackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(120), policy.RetryAfterMax);
        Assert.Same(RetryPolicy.DefaultAllowedMethods, policy.AllowedMethods);
    }

    [Fact]
    public void DefaultAllowedMethods_AreUrllib3s_CaseInsensitive()
    {
        var methods = RetryPolicy.DefaultAllowedMethods;

        Assert.Equal(["DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"], methods.Order(StringComparer.Ordinal));
        Assert.Contains("put", methods);
        Assert.DoesNotContain("POST", methods);
        Assert.DoesNotContain("PATCH", methods);
    }

    [Fact]
    public void SharedDefaults_CannotBeChangedThroughACast()
    {
        Assert.Throws<NotSupportedException>(() => ((ISet<string>)RetryPolicy.DefaultAllowedMethods).Add("POST"));
        Assert.Throws<NotSupportedException>(() => ((ISet<int>)RetryPolicy.RetryAfterStatusCodes).Add(500));
        Assert.Throws<NotSupportedException>(() => ((ISet<int>)new RetryPolicy().StatusForcelist).Add(503));
    }

    [Fact]
    public void FromCount_IsRetryTotalN()
    {
        var policy = RetryPolicy.FromCount(3);

        Assert.Equal(3, policy.Total);
        Assert.Null(policy.Connect);
        Assert.Empty(policy.StatusForcelist);
    }

    [Fact]
    public void NegativeCounts_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { Total = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { Connect = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { Read = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { Status = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.FromCount(-2));
    }

    [Fact]
    public void NegativeOrNaNWaits_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { BackoffFactor = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { BackoffFactor = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { BackoffJitter = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { BackoffMax = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { RetryAfterMax = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public void NullForcelist_IsRejected_NullCountsAndMethodsAreAllowed()
    {
        Assert.Throws<ArgumentNullException>(() => new RetryPolicy { StatusForcelist = null! });

        var policy = new RetryPolicy { Total = null, AllowedMethods = null };

        Assert.Null(policy.Total);
        Assert.Null(policy.AllowedMethods);
    }

    [Theory]
    [InlineData(0.5, 1, 0)]
    [InlineData(0.5, 2, 1)]
    [InlineData(0.5, 3, 2)]
    [InlineData(0.5, 4, 4)]
    [InlineData(2, 3, 8)]
    [InlineData(10, 10, 120)]
    [InlineData(0, 5, 0)]
    public void Backoff_FollowsUrllib3GetBackoffTime(double factor, int retry, double expectedSeconds)
    {
        var policy = new RetryPolicy { BackoffFactor = factor };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), policy.Backoff(retry, random: 0.5));
    }

    [Fact]
    public void Backoff_CappedByBackoffMax()
    {
        var policy = new RetryPolicy { BackoffFactor = 1, BackoffMax = TimeSpan.FromSeconds(5) };

        Assert.Equal(TimeSpan.FromSeconds(4), policy.Backoff(3, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(5), policy.Backoff(4, random: 0));
    }

    [Theory]
    [InlineData(1, 0.5, 0)]
    [InlineData(2, 0.5, 2)]
    [InlineData(2, 0, 1)]
    [InlineData(3, 0.25, 2.5)]
    public void Backoff_AddsRandomTimesJitter_AfterTheFirstRetry(int retry, double random, double expectedSeconds)
    {
        var policy = new RetryPolicy { BackoffFactor = 0.5, BackoffJitter = TimeSpan.FromSeconds(2) };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), policy.Backoff(retry, random));
    }

    [Fact]
    public void Backoff_JitterAlone_StillWaits_AsUrllib3WithAZeroFactor()
    {
        var policy = new RetryPolicy { BackoffJitter = TimeSpan.FromSeconds(4) };

        Assert.Equal(TimeSpan.FromSeconds(1), policy.Backoff(2, random: 0.25));
    }

    [Fact]
    public void Backoff_ThousandsOfRetries_StayFinite()
    {
        var jitterOnly = new RetryPolicy { BackoffJitter = TimeSpan.FromSeconds(1) };
        var withFactor = new RetryPolicy { BackoffFactor = 0.1 };

        Assert.Equal(TimeSpan.FromSeconds(0.5), jitterOnly.Backoff(5000, random: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(120), withFactor.Backoff(5000, random: 0.5));
    }
}
