using System.Collections.Frozen;

namespace Pipeline;

/// <summary>
/// Retry settings in the manner of urllib3's <c>Retry</c>, which requests uses for <c>HTTPAdapter(max_retries=...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// A retry is counted against <see cref="Total"/> and against the counter of its kind (<see cref="Connect"/>,
/// <see cref="Read"/> or <see cref="Status"/>); retrying stops when a counter that is set would go below zero, as
/// urllib3's <c>is_exhausted</c>. Connection failures are retried for every method (nothing reached the server); read
/// failures and statuses only for <see cref="AllowedMethods"/>. A request whose body cannot be sent again (a stream
/// that cannot seek) is sent once and never retried.
/// </para>
/// <para>Set it on an adapter (<c>session.Mount("https://", new HttpAdapter { MaxRetries = ... })</c>), on a session
/// (<see cref="Session.Retry"/>) or on a named session (<c>AddSession(...).AddRetry(...)</c>). See docs/retries.md.</para>
/// </remarks>
public sealed class RetryPolicy
{
    /// <summary>Gets urllib3's <c>DEFAULT_ALLOWED_METHODS</c>: the idempotent DELETE, GET, HEAD, OPTIONS, PUT and TRACE.</summary>
    public static IReadOnlySet<string> DefaultAllowedMethods { get; } =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE");

    /// <summary>Gets urllib3's <c>RETRY_AFTER_STATUS_CODES</c>: 413, 429 and 503, retried when they carry Retry-After.</summary>
    public static IReadOnlySet<int> RetryAfterStatusCodes { get; } = FrozenSet.Create(413, 429, 503);

    /// <summary>Gets the most retries of any kind, or <see langword="null"/> to let only the counters of each kind limit them.</summary>
    /// <value>The default value is 0: no retries, as requests' <c>HTTPAdapter</c>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <remarks>
    /// Same rule as urllib3's <c>total</c>: <see langword="null"/> with no other counter set retries without end, and a
    /// status in <see cref="RetryAfterStatusCodes"/> is only retried while some of the total is left.
    /// </remarks>
    public int? Total
    {
        get;
        init => field = NonNegative(value);
    } = 0;

    /// <summary>Gets the most retries after a connection failure, or <see langword="null"/> for no limit of its own.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Connect
    {
        get;
        init => field = NonNegative(value);
    }

    /// <summary>Gets the most retries after a read failure (a read timeout, or a connection lost after the request was sent), or <see langword="null"/> for no limit of its own.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Read
    {
        get;
        init => field = NonNegative(value);
    }

    /// <summary>Gets the most retries after a retryable status, or <see langword="null"/> for no limit of its own.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? Status
    {
        get;
        init => field = NonNegative(value);
    }

    /// <summary>Gets the backoff factor: the n-th consecutive retry waits <c>factor × 2^(n-1)</c>, the first one not at all (urllib3 2.x).</summary>
    /// <value>The default value is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not a number.</exception>
    public double BackoffFactor
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The backoff factor cannot be negative.");
    }

    /// <summary>Gets the largest random delay added to each backoff after the first retry (urllib3's <c>backoff_jitter</c>).</summary>
    /// <value>The default value is zero.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan BackoffJitter
    {
        get;
        init => field = NonNegative(value);
    }

    /// <summary>Gets the longest backoff (urllib3's <c>backoff_max</c>).</summary>
    /// <value>The default value is 120 seconds.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan BackoffMax
    {
        get;
        init => field = NonNegative(value);
    } = TimeSpan.FromSeconds(120);

    /// <summary>Gets the statuses that are retried for <see cref="AllowedMethods"/> (urllib3's <c>status_forcelist</c>).</summary>
    /// <value>The default value is empty.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public IReadOnlySet<int> StatusForcelist
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(value));
    } = FrozenSet<int>.Empty;

    /// <summary>Gets the methods whose read failures and statuses are retried, or <see langword="null"/> for every method.</summary>
    /// <value>The default value is <see cref="DefaultAllowedMethods"/>.</value>
    /// <remarks>Same rule as urllib3's <c>allowed_methods</c>: POST and PATCH are not idempotent, so they are left out by default.</remarks>
    public IReadOnlySet<string>? AllowedMethods { get; init; } = DefaultAllowedMethods;

    /// <summary>Gets a value indicating whether a Retry-After header sets the wait, and makes 413, 429 and 503 retryable.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RespectRetryAfterHeader { get; init; } = true;

    /// <summary>Gets the longest wait a Retry-After header may ask for; a longer one is capped to it.</summary>
    /// <value>The default value is 120 seconds.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <remarks>urllib3 sleeps as long as the server asks; a cap keeps one header from stalling a caller for hours.</remarks>
    public TimeSpan RetryAfterMax
    {
        get;
        init => field = NonNegative(value);
    } = TimeSpan.FromSeconds(120);

    /// <summary>Gets a value indicating whether exhausted status retries throw <see cref="RetryException"/>; otherwise the last response is returned.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RaiseOnStatus { get; init; } = true;

    /// <summary>Creates a policy of <paramref name="total"/> retries of any kind, as requests' <c>HTTPAdapter(max_retries=n)</c> (<c>Retry(total=n)</c>).</summary>
    /// <param name="total">The number of retries.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is negative.</exception>
    public static RetryPolicy FromCount(int total) => new() { Total = total };

    /// <summary>urllib3 2.x's <c>get_backoff_time</c> for the n-th consecutive retry (1-based): none for the first.</summary>
    /// <param name="consecutiveRetry">The retry about to happen, counted from 1.</param>
    /// <param name="random">A random number in [0, 1) that scales <see cref="BackoffJitter"/>.</param>
    internal TimeSpan Backoff(int consecutiveRetry, double random)
    {
        if (consecutiveRetry <= 1)
        {
            return TimeSpan.Zero;
        }

        // A zero factor skips the power, which overflows to infinity (and 0 × ∞ to NaN) after ~1000 retries.
        var exponential = BackoffFactor == 0 ? 0 : BackoffFactor * Math.Pow(2, consecutiveRetry - 1);
        var seconds = exponential + (random * BackoffJitter.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Min(seconds, BackoffMax.TotalSeconds));
    }

    private static int? NonNegative(int? value) =>
        value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A retry count cannot be negative.");

    private static TimeSpan NonNegative(TimeSpan value) =>
        value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A retry wait cannot be negative.");
}
