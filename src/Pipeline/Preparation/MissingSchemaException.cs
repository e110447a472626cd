namespace Pipeline;

/// <summary>The exception thrown when a URL has no scheme (requests' <c>MissingSchema</c>).</summary>
public class MissingSchemaException : InvalidUrlException
{
    /// <summary>Initializes a new instance of the <see cref="MissingSchemaException"/> class.</summary>
    public MissingSchemaException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MissingSchemaException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public MissingSchemaException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MissingSchemaException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MissingSchemaException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MissingSchemaException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public MissingSchemaException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
