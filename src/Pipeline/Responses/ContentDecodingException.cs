namespace Pipeline;

/// <summary>The exception thrown when a gzip, deflate or brotli body cannot be decoded (requests' <c>ContentDecodingError</c>).</summary>
public class ContentDecodingException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="ContentDecodingException"/> class.</summary>
    public ContentDecodingException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContentDecodingException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ContentDecodingException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContentDecodingException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContentDecodingException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContentDecodingException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ContentDecodingException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
