namespace Pipeline;

/// <summary>What a call was doing, for the message of <see cref="DeadlineExceededException"/>.</summary>
internal enum CallStep
{
    /// <summary>Sending a hop and waiting for its response head.</summary>
    Sending,

    /// <summary>Reading a response body into memory.</summary>
    ReadingBody,

    /// <summary>Waiting before the retry stage sends again (backoff or Retry-After).</summary>
    WaitingToRetry,

    /// <summary>Waiting for a permit of the session's rate limiter.</summary>
    WaitingForPermit,

    /// <summary>Waiting out a host's Retry-After hold.</summary>
    WaitingForHold,

    /// <summary>Getting an OAuth2 access token.</summary>
    GettingToken,
}
