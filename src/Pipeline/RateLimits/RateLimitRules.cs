using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;

namespace Pipeline;

/// <summary>The rules of the rate-limit stage that need no HTTP: a refused lease's hint, the wait before asking again, a hold.</summary>
internal static class RateLimitRules
{
    /// <summary>The shortest wait before asking a limiter again: a hint in whole seconds reads 0 for the last second of a window.</summary>
    public static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a refused lease asks to wait: <see cref="MetadataName.RetryAfter"/> (a <see cref="TimeSpan"/>, as the
    /// limiters of System.Threading.RateLimiting write it), else a metadata whose name ends in <c>RETRYAFTER</c> or
    /// <c>RETRY_AFTER</c> holding seconds (RedisRateLimiting's <c>RATELIMIT_RETRYAFTER</c>); null when it does not say.
    /// </summary>
    public static TimeSpan? RetryAfter(RateLimitLease lease)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            return retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
        }

        foreach (var (name, value) in lease.GetAllMetadata())
        {
            if (name.EndsWith("RETRYAFTER", StringComparison.OrdinalIgnoreCase) || name.EndsWith("RETRY_AFTER", StringComparison.OrdinalIgnoreCase))
            {
                var seconds = value switch
                {
                    TimeSpan span => span.TotalSeconds,
                    int n => n,
                    long n => n,
                    double n => n,
                    string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
                    _ => double.NaN,
                };
                if (double.IsFinite(seconds))
                {
                    return seconds <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
                }
            }
        }

        return null;
    }

    /// <summary>The wait before asking a limiter again after a refusal with a hint: the hint, at least <see cref="MinimumWait"/>.</summary>
    public static TimeSpan WaitBeforeAsking(TimeSpan hint) => hint < MinimumWait ? MinimumWait : hint;

    /// <summary>
    /// How long a response holds its host: a 429 or 503 with a positive <c>Retry-After</c> (seconds or an HTTP date),
    /// capped by <paramref name="maxHold"/>; null for any other response.
    /// </summary>
    public static TimeSpan? Hold(HttpResponseMessage response, DateTimeOffset now, TimeSpan maxHold)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || RetryRules.RetryAfter(response, now) is not { } retryAfter
            || retryAfter <= TimeSpan.Zero)
        {
            return null;
        }

        return retryAfter > maxHold ? maxHold : retryAfter;
    }
}
