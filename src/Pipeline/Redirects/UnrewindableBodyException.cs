namespace Pipeline;

/// <summary>The exception thrown when a 307 or 308 redirect must re-send a body that cannot be rewound, such as a non-seekable stream (requests' <c>UnrewindableBodyError</c>).</summary>
public class UnrewindableBodyException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="UnrewindableBodyException"/> class.</summary>
    public UnrewindableBodyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnrewindableBodyException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public UnrewindableBodyException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnrewindableBodyException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnrewindableBodyException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnrewindableBodyException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public UnrewindableBodyException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
