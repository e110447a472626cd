namespace Pipeline;

/// <summary>The exception thrown when a request times out (requests' <c>Timeout</c>).</summary>
public class RequestTimeoutException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="RequestTimeoutException"/> class.</summary>
    public RequestTimeoutException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestTimeoutException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public RequestTimeoutException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestTimeoutException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RequestTimeoutException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestTimeoutException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public RequestTimeoutException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
