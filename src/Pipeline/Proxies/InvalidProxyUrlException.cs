namespace Pipeline;

/// <summary>The exception thrown when a proxy URL cannot be used, for example when it has no host (requests' <c>InvalidProxyURL</c>).</summary>
public class InvalidProxyUrlException : InvalidUrlException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidProxyUrlException"/> class.</summary>
    public InvalidProxyUrlException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProxyUrlException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidProxyUrlException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProxyUrlException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidProxyUrlException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidProxyUrlException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public InvalidProxyUrlException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
