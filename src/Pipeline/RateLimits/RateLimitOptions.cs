namespace Pipeline;

/// <summary>
/// Holds how a session applies its rate limits (<see cref="Session.RateLimiter"/>, <see cref="Session.PartitionedRateLimiter"/>)
/// and the servers' own: whether to wait or fail, and how a 429 or 503 with <c>Retry-After</c> holds later requests to its host.
/// </summary>
/// <remarks>See docs/deadlines-and-rate-limits.md.</remarks>
public sealed class RateLimitOptions
{
    /// <summary>The options a session uses when it has a limiter and no options of its own.</summary>
    internal static readonly RateLimitOptions Defaults = new();

    /// <summary>Gets or sets what happens when no permit is available, or the host is held.</summary>
    /// <value>The default value is <see cref="RateLimitBehavior.Wait"/>.</value>
    public RateLimitBehavior Behavior { get; set; } = RateLimitBehavior.Wait;

    /// <summary>
    /// Gets or sets a value indicating whether a 429 or 503 response with <c>Retry-After</c> holds the session's later
    /// requests to that host (scheme-less host and port) until the time the server asked for.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HoldOnRetryAfter { get; set; } = true;

    /// <summary>Gets or sets the longest hold one <c>Retry-After</c> may ask for; a longer one is capped to it.</summary>
    /// <value>The default value is 120 seconds, as <see cref="RetryPolicy.RetryAfterMax"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxHold
    {
        get;
        set => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxHold cannot be negative.");
    } = TimeSpan.FromSeconds(120);

    internal RateLimitOptions Clone() => new() { Behavior = Behavior, HoldOnRetryAfter = HoldOnRetryAfter, MaxHold = MaxHold };
}
