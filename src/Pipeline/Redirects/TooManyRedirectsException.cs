namespace Pipeline;

/// <summary>The exception thrown when a redirect chain exceeds the session's <c>MaxRedirects</c> (requests' <c>TooManyRedirects</c>).</summary>
public class TooManyRedirectsException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="TooManyRedirectsException"/> class.</summary>
    public TooManyRedirectsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TooManyRedirectsException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public TooManyRedirectsException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TooManyRedirectsException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TooManyRedirectsException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TooManyRedirectsException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public TooManyRedirectsException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
