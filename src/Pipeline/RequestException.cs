namespace Pipeline;

/// <summary>
/// The base of every exception Pipeline raises for a request (requests' <c>RequestException</c>).
/// </summary>
/// <remarks>
/// It derives from <see cref="HttpRequestException"/>, so existing <c>catch (HttpRequestException)</c> blocks
/// and Polly's default predicates keep working. A caller's own cancellation is never wrapped: it stays an
/// <see cref="OperationCanceledException"/>.
/// </remarks>
public class RequestException : HttpRequestException
{
    /// <summary>Initializes a new instance of the <see cref="RequestException"/> class.</summary>
    public RequestException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public RequestException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RequestException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public RequestException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, response is null ? null : response.StatusCode)
    {
        Request = request;
        Response = response;
    }

    /// <summary>Gets the request that failed, when known.</summary>
    public PreparedRequest? Request { get; internal set; }

    /// <summary>Gets the response involved, when there is one.</summary>
    public Response? Response { get; internal set; }
}
