namespace Pipeline;

/// <summary>The exception thrown when a URL cannot be used (requests' <c>InvalidURL</c>).</summary>
public class InvalidUrlException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidUrlException"/> class.</summary>
    public InvalidUrlException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidUrlException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidUrlException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidUrlException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidUrlException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidUrlException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public InvalidUrlException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
