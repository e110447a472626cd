namespace Pipeline;

/// <summary>
/// The exception thrown when a call's <see cref="Session.Deadline"/> (or <see cref="RequestOptions.Deadline"/>) passes
/// before its final response: its message says which hop and attempt the call was in and what it was waiting for.
/// </summary>
/// <remarks>
/// It derives from <see cref="RequestTimeoutException"/>, so code that catches timeouts catches it too. A connect or read
/// timeout that fires first is still <see cref="ConnectTimeoutException"/> or <see cref="ReadTimeoutException"/>, and a
/// caller's own cancellation stays <see cref="OperationCanceledException"/>.
/// </remarks>
public class DeadlineExceededException : RequestTimeoutException
{
    /// <summary>Initializes a new instance of the <see cref="DeadlineExceededException"/> class.</summary>
    public DeadlineExceededException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeadlineExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public DeadlineExceededException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeadlineExceededException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeadlineExceededException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeadlineExceededException"/> class with the request and response involved.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="request">The request, or <see langword="null"/>.</param>
    /// <param name="response">The response, or <see langword="null"/>.</param>
    public DeadlineExceededException(string? message, Exception? innerException, PreparedRequest? request, Response? response)
        : base(message, innerException, request, response)
    {
    }

    /// <summary>Gets the deadline that passed.</summary>
    /// <value><see cref="TimeSpan.Zero"/> when the exception was not raised by a session.</value>
    public TimeSpan Deadline { get; internal init; }

    /// <summary>Gets the hop the call was in when the deadline passed: 1 for the first request, 2 after one redirect, and so on.</summary>
    /// <value>0 when the exception was not raised by a session.</value>
    public int Hop { get; internal init; }

    /// <summary>Gets the attempt of that hop: 1, or more when the retry stage sent it again.</summary>
    /// <value>0 when the exception was not raised by a session.</value>
    public int Attempt { get; internal init; }
}
