namespace Pipeline;

/// <summary>
/// Retry settings in the manner of urllib3's <c>Retry</c>, which requests uses for <c>HTTPAdapter(max_retries=...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// A retry is counted against <see cref="Total"/> and against the counter of its kind (<see cref="Connect"/>,
/// <see cref="Read"/> or <see cref="Status"/>); retrying stops when any counter that is set would go below zero.
/// Connection failures are retried for every method (nothing reached the server); read timeouts and statuses only
/// for <see cref="AllowedMethods"/>. A request whose body cannot be sent again (a stream that cannot seek) is never retried.
/// </para>
/// <para>Set it on an adapter (<c>session.Mount("https://", new HttpAdapter { MaxRetries = ... })</c>), on a session
/// (<see cref="Session.Retry"/>) or on a named session (<c>AddSession(...).AddRetry(...)</c>).</para>
/// </remarks>
public sealed class RetryPolicy
{
    /// <summary>Gets urllib3's default allowed methods: the idempotent DELETE, GET, HEAD, OPTIONS, PUT and TRACE.</summary>
    public static IReadOnlySet<string> DefaultAllowedMethods { get; } =
        new HashSet<string>(["DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the statuses whose Retry-After is honoured even without <see cref="StatusForcelist"/>: 413, 429 and 503.</summary>
    public static IReadOnlySet<int> RetryAfterStatusCodes { get; } = new HashSet<int>([413, 429, 503]);

    /// <summary>Gets the most retries of any kind.</summary>
    /// <value>The default value is 0: no retries, as requests' <c>HTTPAdapter</c>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int Total
    {
        get;
        init => field = NonNegative(value);
    }

    /// <summary>Gets the most retries after a connection failure, or <see langword="null"/> for no limit of its own.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Connect
    {
        get;
        init => field = value is null ? null : NonNegative(value.Value);
    }

    /// <summary>Gets the most retries after a read timeout, or <see langword="null"/> for no limit of its own.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Read
    {
        get;
        init => field = value is null ? null : NonNegative(value.Value);
    }

    /// <summary>Gets the most retries after a retryable status, or <see langword="null"/> for no limit of its own.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Status
    {
        get;
        init => field = value is null ? null : NonNegative(value.Value);
    }

    /// <summary>Gets the backoff factor: the n-th consecutive retry waits <c>factor × 2^(n-1)</c>, the first one not at all (urllib3 2.x).</summary>
    /// <value>The default value is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public double BackoffFactor
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The backoff factor cannot be negative.");
    }

    /// <summary>Gets the largest random delay added to each backoff (urllib3's <c>backoff_jitter</c>).</summary>
    /// <value>The default value is zero.</value>
    public TimeSpan BackoffJitter { get; init; }

    /// <summary>Gets the longest backoff.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets the statuses that are retried (urllib3's <c>status_forcelist</c>).</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlySet<int> StatusForcelist { get; init; } = new HashSet<int>();

    /// <summary>Gets the methods whose read timeouts and statuses are retried.</summary>
    /// <value>The default value is <see cref="DefaultAllowedMethods"/>.</value>
    public IReadOnlySet<string> AllowedMethods { get; init; } = DefaultAllowedMethods;

    /// <summary>Gets a value indicating whether a Retry-After header sets the wait.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RespectRetryAfterHeader { get; init; } = true;

    /// <summary>Gets the longest wait a Retry-After header may ask for; a longer one is capped.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan RetryAfterMax { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets a value indicating whether exhausted status retries throw <see cref="RetryException"/>; otherwise the last response is returned.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RaiseOnStatus { get; init; } = true;

    /// <summary>Creates a policy of <paramref name="total"/> retries of any kind, as requests' <c>HTTPAdapter(max_retries=n)</c>.</summary>
    /// <param name="total">The number of retries.</param>
    /// <returns>The policy.</returns>
    public static RetryPolicy FromCount(int total) => new() { Total = total };

    /// <summary>urllib3's <c>get_backoff_time</c> for the n-th consecutive retry (1-based).</summary>
    internal TimeSpan Backoff(int consecutiveRetry, double random)
    {
        if (consecutiveRetry <= 1 || BackoffFactor == 0)
        {
            return TimeSpan.Zero;
        }

        var seconds = (BackoffFactor * Math.Pow(2, consecutiveRetry - 1)) + (random * BackoffJitter.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Min(seconds, BackoffMax.TotalSeconds));
    }

    private static int NonNegative(int value) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A retry count cannot be negative.");
}
