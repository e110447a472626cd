namespace Pipeline;

/// <summary>The exception thrown when the server sends nothing for longer than the read timeout (requests' <c>ReadTimeout</c>).</summary>
public class ReadTimeoutException : RequestTimeoutException
{
    /// <summary>Initializes a new instance of the <see cref="ReadTimeoutException"/> class.</summary>
    public ReadTimeoutException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReadTimeoutException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ReadTimeoutException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReadTimeoutException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ReadTimeoutException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReadTimeoutException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ReadTimeoutException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
