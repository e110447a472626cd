namespace Pipeline;

/// <summary>The exception thrown when a connection cannot be made or is lost (requests' <c>ConnectionError</c>); connection refused is the common case.</summary>
public class ConnectionException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class.</summary>
    public ConnectionException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ConnectionException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConnectionException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectionException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ConnectionException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
