using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Deadlines;

/// <summary>The message of an expiry, the duration format and the bounds of a deadline, without HTTP.</summary>
public sealed class CallDeadlineTests
{
    [Theory]
    [InlineData(2000, "2 s")]
    [InlineData(1500, "1.5 s")]
    [InlineData(250, "250 ms")]
    [InlineData(90_000, "90 s")]
    public void Format_WritesSecondsOrMilliseconds(int milliseconds, string expected)
    {
        Assert.Equal(expected, CallDeadline.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(1, null, false, 1, (int)CallStep.Sending, "The call's deadline of 2 s passed during hop 1, attempt 1, while waiting for the response.")]
    [InlineData(1, null, true, 2, (int)CallStep.WaitingToRetry, "The call's deadline of 2 s passed during hop 1 (re-sent for auth), attempt 2, while waiting to retry.")]
    [InlineData(3, "http://user:pass@api.test/next?token=abc&page=2", false, 2, (int)CallStep.ReadingBody,
        "The call's deadline of 2 s passed during hop 3 (a redirect to http://***@api.test/next?token=*&page=*), attempt 2, while reading the response body.")]
    [InlineData(2, "https://api.test/x", true, 1, (int)CallStep.WaitingForPermit,
        "The call's deadline of 2 s passed during hop 2 (a redirect to https://api.test/x, re-sent for auth), attempt 1, while waiting for a rate-limit permit.")]
    [InlineData(1, null, false, 1, (int)CallStep.WaitingForHold, "The call's deadline of 2 s passed during hop 1, attempt 1, while waiting out the host's Retry-After.")]
    [InlineData(1, null, false, 1, (int)CallStep.GettingToken, "The call's deadline of 2 s passed during hop 1, attempt 1, while getting an OAuth2 token.")]
    public void Describe_NamesHopAttemptAndStep_WithoutCredentials(int hop, string? target, bool authResend, int attempt, int step, string expected)
    {
        var message = CallDeadline.Describe(TimeSpan.FromSeconds(2), hop, target is null ? null : new Uri(target), authResend, attempt, (CallStep)step);

        Assert.Equal(expected, message);
    }

    [Fact]
    public void Validate_AcceptsNullAndPositive_RejectsZeroNegativeAndTooLong()
    {
        Assert.Null(CallDeadline.Validate(null, "value"));
        Assert.Equal(TimeSpan.FromTicks(1), CallDeadline.Validate(TimeSpan.FromTicks(1), "value"));
        Assert.Equal(CallDeadline.Max, CallDeadline.Validate(CallDeadline.Max, "value"));

        Assert.Throws<ArgumentOutOfRangeException>(() => CallDeadline.Validate(TimeSpan.Zero, "value"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallDeadline.Validate(TimeSpan.FromSeconds(-1), "value"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallDeadline.Validate(CallDeadline.Max + TimeSpan.FromMilliseconds(1), "value"));
    }

    [Fact]
    public void Token_IsCancelledByTheClockOrByTheCaller()
    {
        var time = new FakeTimeProvider();
        using var caller = new CancellationTokenSource();
        using var byClock = CallDeadline.Start(TimeSpan.FromSeconds(1), time, CancellationToken.None);
        using var byCaller = CallDeadline.Start(TimeSpan.FromSeconds(1), time, caller.Token);

        caller.Cancel();
        Assert.False(byClock.Token.IsCancellationRequested);
        Assert.True(byCaller.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(byClock.Token.IsCancellationRequested);
    }
}
