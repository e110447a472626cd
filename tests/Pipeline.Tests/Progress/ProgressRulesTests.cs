namespace Pipeline.Tests.Progress;

public sealed class ProgressRulesTests
{
    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(0, 5000, false)]
    [InlineData(1, 99, false)]
    [InlineData(1, 100, true)]
    [InlineData(65535, 0, false)]
    [InlineData(65536, 0, true)]
    [InlineData(1_000_000, 1, true)]
    public void IsDue_After64KiB_Or100MillisecondsWithBytesMoved(long bytes, int milliseconds, bool expected)
    {
        Assert.Equal(expected, ProgressRules.IsDue(bytes, TimeSpan.FromMilliseconds(milliseconds)));
    }
}
