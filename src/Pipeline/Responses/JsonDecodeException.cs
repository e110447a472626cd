namespace Pipeline;

/// <summary>
/// The exception thrown when a response body is not valid JSON for <see cref="Response.Json()"/> or
/// <see cref="Response.Json{T}(System.Text.Json.JsonSerializerOptions)"/> (requests' <c>JSONDecodeError</c>, a <c>RequestException</c> through <c>InvalidJSONError</c>,
/// as here); the System.Text.Json <see cref="System.Text.Json.JsonException"/> is the <see cref="Exception.InnerException"/>.
/// </summary>
public class JsonDecodeException : InvalidJsonException
{
    /// <summary>Initializes a new instance of the <see cref="JsonDecodeException"/> class.</summary>
    public JsonDecodeException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonDecodeException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public JsonDecodeException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonDecodeException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JsonDecodeException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonDecodeException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public JsonDecodeException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }
}
