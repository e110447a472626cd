namespace Pipeline;

/// <summary>
/// The exception thrown when a JSON request body cannot be serialized, such as <see cref="double.NaN"/> or an object cycle,
/// before anything is sent (requests' <c>InvalidJSONError</c>); the System.Text.Json failure is the <see cref="Exception.InnerException"/>.
/// </summary>
public class InvalidJsonException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidJsonException"/> class.</summary>
    public InvalidJsonException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidJsonException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public InvalidJsonException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidJsonException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidJsonException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidJsonException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public InvalidJsonException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
