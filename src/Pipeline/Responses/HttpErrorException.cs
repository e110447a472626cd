namespace Pipeline;

/// <summary>The exception thrown by <see cref="Response.RaiseForStatus"/> for a 4xx or 5xx status (requests' <c>HTTPError</c>).</summary>
public class HttpErrorException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="HttpErrorException"/> class.</summary>
    public HttpErrorException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HttpErrorException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public HttpErrorException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HttpErrorException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public HttpErrorException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HttpErrorException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public HttpErrorException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
