namespace Pipeline;

/// <summary>The exception thrown when a proxy cannot be reached or refuses the tunnel (requests' <c>ProxyError</c>).</summary>
public class ProxyException : ConnectionException
{
    /// <summary>Initializes a new instance of the <see cref="ProxyException"/> class.</summary>
    public ProxyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProxyException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProxyException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProxyException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProxyException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProxyException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ProxyException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
