using System.Globalization;
using System.Net;

namespace Pipeline;

/// <summary>urllib3's <c>Retry.increment</c>, <c>is_retry</c> and <c>parse_retry_after</c>, for one request's attempts.</summary>
internal sealed class RetryRules(RetryPolicy policy, string method)
{
    private int _total = policy.Total;
    private int? _connect = policy.Connect;
    private int? _read = policy.Read;
    private int? _status = policy.Status;

    public int Retries { get; private set; }

    /// <summary>Gets the status whose retries ran out, when that is why retrying stopped.</summary>
    public HttpStatusCode? ExhaustedStatus { get; private set; }

    public bool IsMethodRetryable => policy.AllowedMethods.Contains(method);

    /// <summary>Whether this failure is retried; counts it when it is.</summary>
    public bool ShouldRetry(Exception exception) => exception switch
    {
        ReadTimeoutException when IsMethodRetryable => Take(ref _read),
        ConnectTimeoutException => Take(ref _connect),
        ProxyException or SslException => false,
        ConnectionException => Take(ref _connect),
        _ => false,
    };

    /// <summary>urllib3's <c>is_retry</c>: a forced status, or a Retry-After status when Retry-After is respected.</summary>
    public bool ShouldRetry(HttpResponseMessage response)
    {
        if (!IsRetryStatus(response))
        {
            return false;
        }

        if (Take(ref _status))
        {
            return true;
        }

        ExhaustedStatus = response.StatusCode;
        return false;
    }

    /// <summary>The wait before the next attempt: Retry-After (capped) when present and respected, else the backoff.</summary>
    public TimeSpan Delay(HttpResponseMessage? response, double random)
    {
        if (response is not null && policy.RespectRetryAfterHeader && RetryAfter(response, DateTimeOffset.UtcNow) is { } retryAfter)
        {
            return retryAfter > policy.RetryAfterMax ? policy.RetryAfterMax : retryAfter;
        }

        return policy.Backoff(Retries, random);
    }

    /// <summary>Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); a negative or unparsable value is ignored.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (!response.Headers.NonValidated.TryGetValues("Retry-After", out var values))
        {
            return null;
        }

        var text = values.ToString().Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    private bool IsRetryStatus(HttpResponseMessage response)
    {
        if (!IsMethodRetryable)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (policy.StatusForcelist.Contains(status))
        {
            return true;
        }

        return policy.RespectRetryAfterHeader
            && RetryPolicy.RetryAfterStatusCodes.Contains(status)
            && response.Headers.NonValidated.Contains("Retry-After")
            && policy.Total > 0;
    }

    private bool Take(ref int? kind)
    {
        if (_total - 1 < 0 || (kind is { } left && left - 1 < 0))
        {
            return false;
        }

        _total--;
        if (kind is not null)
        {
            kind--;
        }

        Retries++;
        return true;
    }
}
