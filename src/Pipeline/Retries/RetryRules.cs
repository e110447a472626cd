using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>urllib3's <c>Retry.increment</c>, <c>is_retry</c>, <c>sleep</c> and <c>parse_retry_after</c>, for the attempts of one hop.</summary>
/// <param name="policy">The policy in effect for the hop.</param>
/// <param name="method">The request method, upper case as requests prepares it.</param>
/// <param name="time">The clock an HTTP-date Retry-After is measured against.</param>
internal sealed class RetryRules(RetryPolicy policy, string method, TimeProvider time)
{
    private int? _total = policy.Total;
    private int? _connect = policy.Connect;
    private int? _read = policy.Read;
    private int? _status = policy.Status;

    /// <summary>Gets the retries taken so far; urllib3's consecutive-error count for the backoff.</summary>
    public int Retries { get; private set; }

    /// <summary>Gets the status whose retries ran out, when that is why retrying stopped.</summary>
    public HttpStatusCode? ExhaustedStatus { get; private set; }

    /// <summary>Gets a value indicating whether read failures and statuses of this method may be retried (urllib3's <c>_is_method_retryable</c>).</summary>
    public bool IsMethodRetryable => policy.AllowedMethods is not { } allowed || allowed.Contains(method);

    /// <summary>Whether this failure is retried; counts it when it is.</summary>
    public bool ShouldRetry(Exception exception) => exception switch
    {
        // urllib3's _is_read_error: the server may have seen the request, so only an allowed method goes again.
        ReadTimeoutException => IsMethodRetryable && Take(ref _read),

        // urllib3's _is_connection_error: ConnectTimeoutError and NewConnectionError (its subclass); nothing was sent.
        ConnectTimeoutException => Take(ref _connect),

        // A certificate does not heal by asking again. urllib3 retries SSLError against total; Pipeline does not.
        SslException => false,

        // urllib3 unwraps ProxyError: an unreachable proxy is a connection error, a refused CONNECT is not retried here.
        ProxyException proxy => IsConnectFailure(proxy) && Take(ref _connect),

        // A connection lost after the request was written is urllib3's ProtocolError("Connection aborted."), a read error.
        ConnectionException connection => IsConnectFailure(connection) ? Take(ref _connect) : IsMethodRetryable && Take(ref _read),
        _ => false,
    };

    /// <summary>urllib3's <c>is_retry</c>, then <c>increment</c>: a forced status, or a Retry-After status while some total is left.</summary>
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

    /// <summary>urllib3's <c>sleep</c>: a positive Retry-After (capped by <see cref="RetryPolicy.RetryAfterMax"/>) when respected, else the backoff.</summary>
    public TimeSpan Delay(HttpResponseMessage? response, double random)
    {
        if (response is not null
            && policy.RespectRetryAfterHeader
            && RetryAfter(response, time.GetUtcNow()) is { } retryAfter
            && retryAfter > TimeSpan.Zero)
        {
            return retryAfter > policy.RetryAfterMax ? policy.RetryAfterMax : retryAfter;
        }

        return policy.Backoff(Retries, random);
    }

    /// <summary>Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), as urllib3's <c>parse_retry_after</c>; a date in the past is zero.</summary>
    /// <returns>The wait, or <see langword="null"/> when there is no header or it cannot be read (urllib3 would raise InvalidHeader).</returns>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (!response.Headers.NonValidated.TryGetValues("Retry-After", out var values))
        {
            return null;
        }

        var text = values.ToString().Trim();
        if (text.Length > 0 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
        {
            // Digits only: more seconds than an int holds is simply "very long", which RetryAfterMax caps.
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;
        }

        // The HTTP-date grammar (IMF-fixdate, and the obsolete RFC 850 and asctime forms), never a lenient date guess.
        return RetryConditionHeaderValue.TryParse(text, out var parsed) && parsed.Date is { } date
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    /// <summary>Whether a connection failure happened before the request was sent: refused, unreachable, or a name that did not resolve.</summary>
    /// <remarks>
    /// The HttpAdapter keeps SocketsHttpHandler's failure as the inner exception; any other cause (a reset, a response that
    /// ended early) means the request may have reached the server. A ConnectionException without such a cause (thrown
    /// by a mounted handler) is taken as a connection error.
    /// </remarks>
    public static bool IsConnectFailure(ConnectionException exception) =>
        exception.InnerException is not HttpRequestException inner
        || inner.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

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

        // urllib3 reads the remaining total here: once none is left (or total is None) the response is returned as it is.
        return _total > 0
            && policy.RespectRetryAfterHeader
            && RetryPolicy.RetryAfterStatusCodes.Contains(status)
            && response.Headers.NonValidated.TryGetValues("Retry-After", out var retryAfter)
            && retryAfter.ToString().Trim().Length > 0;
    }

    /// <summary>urllib3's <c>increment</c> and <c>is_exhausted</c>: a counter that is set must not go below zero.</summary>
    private bool Take(ref int? kind)
    {
        if (_total <= 0 || kind <= 0)
        {
            return false;
        }

        _total--;
        kind--;
        Retries++;
        return true;
    }
}
