namespace Pipeline;

/// <summary>
/// The exception thrown when a <see cref="HarReplayHandler"/> has no recorded answer for a request: nothing was recorded
/// for its method, URL and body, or every recorded answer was already replayed. The message lists the nearest entries.
/// </summary>
public class HarReplayException : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="HarReplayException"/> class.</summary>
    public HarReplayException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HarReplayException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public HarReplayException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HarReplayException"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public HarReplayException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HarReplayException"/> class with the nearest recorded entries.</summary>
    /// <param name="message">The message.</param>
    /// <param name="nearest">The recorded entries most like the request (method and URL), nearest first.</param>
    public HarReplayException(string? message, IReadOnlyList<string> nearest)
        : base(message)
    {
        Nearest = nearest ?? [];
    }

    /// <summary>Gets the recorded entries most like the request, as <c>METHOD url</c>, nearest first.</summary>
    public IReadOnlyList<string> Nearest { get; } = [];
}
