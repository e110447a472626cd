namespace Pipeline;

/// <summary>The exception thrown when a header name or value is invalid: CR or LF anywhere, leading whitespace, or a colon in a name (requests' <c>InvalidHeader</c>).</summary>
public class InvalidHeaderException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidHeaderException"/> class.</summary>
    public InvalidHeaderException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidHeaderException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidHeaderException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidHeaderException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidHeaderException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidHeaderException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public InvalidHeaderException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
