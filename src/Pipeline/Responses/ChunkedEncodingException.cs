namespace Pipeline;

/// <summary>The exception thrown when a response body ends early or its chunked framing is broken (requests' <c>ChunkedEncodingError</c>).</summary>
public class ChunkedEncodingException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="ChunkedEncodingException"/> class.</summary>
    public ChunkedEncodingException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChunkedEncodingException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ChunkedEncodingException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChunkedEncodingException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChunkedEncodingException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChunkedEncodingException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ChunkedEncodingException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
