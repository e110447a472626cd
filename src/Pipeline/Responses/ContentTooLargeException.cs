namespace Pipeline;

/// <summary>The exception thrown when a body to be buffered is larger than <see cref="Session.MaxResponseContentLength"/>; stream it instead (<c>Stream = true</c>).</summary>
public class ContentTooLargeException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="ContentTooLargeException"/> class.</summary>
    public ContentTooLargeException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContentTooLargeException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ContentTooLargeException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContentTooLargeException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContentTooLargeException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContentTooLargeException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public ContentTooLargeException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
