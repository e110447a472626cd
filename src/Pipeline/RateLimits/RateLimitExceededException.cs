namespace Pipeline;

/// <summary>
/// The exception thrown, with <see cref="RateLimitBehavior.FailFast"/>, when the session's rate limiter has no permit for a
/// request or its host is held by a <c>Retry-After</c>; also when a limiter refuses without saying how long to wait. The
/// request was not sent.
/// </summary>
public class RateLimitExceededException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="RateLimitExceededException"/> class.</summary>
    public RateLimitExceededException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RateLimitExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public RateLimitExceededException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RateLimitExceededException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitExceededException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RateLimitExceededException"/> class with the request and the wait asked for.</summary>
    /// <param name="message">The message.</param>
    /// <param name="request">The request that was not sent, or <see langword="null"/>.</param>
    /// <param name="retryAfter">How long the limiter or the server asked to wait, or <see langword="null"/> when it did not say.</param>
    public RateLimitExceededException(string? message, PreparedRequest? request, TimeSpan? retryAfter)
        : base(message, null, request, null)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how long the limiter (its lease's <c>RetryAfter</c> metadata) or the server (its <c>Retry-After</c>) asked to wait.</summary>
    /// <value><see langword="null"/> when it did not say.</value>
    public TimeSpan? RetryAfter { get; }
}
