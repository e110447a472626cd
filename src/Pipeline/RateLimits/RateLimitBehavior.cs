namespace Pipeline;

/// <summary>What a session does when its rate limiter refuses a permit or a host is held by a Retry-After.</summary>
public enum RateLimitBehavior
{
    /// <summary>Waits: for the limiter's retry-after hint, then asks again, or until the host's hold ends; the deadline and the caller's token still apply.</summary>
    Wait = 0,

    /// <summary>Fails at once with <see cref="RateLimitExceededException"/>, which carries the wait the limiter or the server asked for.</summary>
    FailFast = 1,
}
