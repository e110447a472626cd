namespace Pipeline;

/// <summary>When a progress report is due: often enough for a progress bar, rarely enough not to slow the transfer.</summary>
internal static class ProgressRules
{
    /// <summary>The bytes that make a report due, however little time passed.</summary>
    public const long ByteStep = 64 * 1024;

    /// <summary>The time that makes a report due when at least one byte moved since the last.</summary>
    public static readonly TimeSpan TimeStep = TimeSpan.FromMilliseconds(100);

    public static bool IsDue(long bytesSinceReport, TimeSpan sinceReport) =>
        bytesSinceReport >= ByteStep || (bytesSinceReport > 0 && sinceReport >= TimeStep);
}
