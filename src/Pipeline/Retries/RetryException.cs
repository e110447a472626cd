namespace Pipeline;

/// <summary>The exception thrown when status retries are exhausted (requests' <c>RetryError</c>).</summary>
public class RetryException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="RetryException"/> class.</summary>
    public RetryException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RetryException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public RetryException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RetryException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RetryException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RetryException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public RetryException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
