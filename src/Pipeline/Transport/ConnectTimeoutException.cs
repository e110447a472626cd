namespace Pipeline;

/// <summary>The exception thrown when connecting takes longer than the connect timeout (requests' <c>ConnectTimeout</c>).</summary>
public class ConnectTimeoutException : RequestTimeoutException
{
    /// <summary>Initializes a new instance of the <see cref="ConnectTimeoutException"/> class.</summary>
    public ConnectTimeoutException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectTimeoutException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ConnectTimeoutException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectTimeoutException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConnectTimeoutException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConnectTimeoutException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ConnectTimeoutException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
