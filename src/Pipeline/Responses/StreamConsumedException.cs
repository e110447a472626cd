namespace Pipeline;

/// <summary>The exception thrown when a streamed body is iterated again after it was consumed (requests' <c>StreamConsumedError</c>).</summary>
public class StreamConsumedException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="StreamConsumedException"/> class.</summary>
    public StreamConsumedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StreamConsumedException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public StreamConsumedException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StreamConsumedException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StreamConsumedException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StreamConsumedException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public StreamConsumedException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
