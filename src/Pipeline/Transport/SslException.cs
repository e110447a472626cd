namespace Pipeline;

/// <summary>The exception thrown when TLS fails: an untrusted, expired or mismatched certificate, or an unusable CA bundle or client certificate (requests' <c>SSLError</c>).</summary>
public class SslException : ConnectionException
{
    /// <summary>Initializes a new instance of the <see cref="SslException"/> class.</summary>
    public SslException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SslException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public SslException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SslException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SslException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SslException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public SslException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
