namespace Pipeline;

/// <summary>The exception thrown when a cookie name matches several cookies of a jar (requests' <c>CookieConflictError</c>).</summary>
public sealed class CookieConflictException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="CookieConflictException"/> class.</summary>
    public CookieConflictException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CookieConflictException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public CookieConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CookieConflictException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CookieConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
