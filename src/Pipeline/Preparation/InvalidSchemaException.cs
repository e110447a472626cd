namespace Pipeline;

/// <summary>The exception thrown when no mounted adapter serves a URL's scheme (requests' <c>InvalidSchema</c>).</summary>
public class InvalidSchemaException : InvalidUrlException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidSchemaException"/> class.</summary>
    public InvalidSchemaException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSchemaException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidSchemaException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSchemaException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidSchemaException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSchemaException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public InvalidSchemaException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
