using System.Globalization;
using System.Text;

namespace Pipeline;

/// <summary>
/// A call's deadline (<see cref="Session.Deadline"/>): one timer on the session's clock, armed when the call starts and
/// linked to the caller's token, whose token every hop, retry wait, permit wait and body read of the call observes. It
/// also keeps where the call is (hop, attempt, step), which the stages note as they go, so that an expiry can say where
/// it happened. A call without a deadline has none of this: no timer, no token source, no notes.
/// </summary>
internal sealed class CallDeadline : IDisposable
{
    /// <summary>The longest deadline a timer takes (<see cref="CancellationTokenSource"/>: about 49.7 days).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _caller;

    private CallDeadline(TimeSpan limit, TimeProvider time, CancellationToken caller)
    {
        Limit = limit;
        _source = new CancellationTokenSource(limit, time);

        // The caller's token cancels the call too; which of the two fired is told by the caller's token afterwards.
        _caller = caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _source);
    }

    public TimeSpan Limit { get; }

    /// <summary>Gets the token the call observes: cancelled when the deadline passes or the caller cancels.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Gets the hop the call is in: 1, then one more per redirect followed.</summary>
    public int Hop { get; private set; } = 1;

    /// <summary>Gets the request of the current hop after a redirect, or null on the first hop.</summary>
    public HttpRequestMessage? HopRequest { get; private set; }

    /// <summary>Gets or sets the attempt of the current hop (the retry stage counts them).</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>Gets or sets what the call is doing.</summary>
    public CallStep Step { get; set; }

    /// <summary>Gets or sets a value indicating whether the current hop was re-sent to answer an auth challenge.</summary>
    public bool AuthResend { get; set; }

    /// <summary>Gets or sets the response whose body is being read, so an expiry while reading it carries it.</summary>
    public Response? Reading { get; set; }

    /// <summary>Arms a deadline for a call.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive or longer than <see cref="Max"/>.</exception>
    public static CallDeadline Start(TimeSpan limit, TimeProvider time, CancellationToken caller) => new(Validate(limit, nameof(limit))!.Value, time, caller);

    /// <summary>Checks a deadline setting: null, or positive and at most <see cref="Max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive or longer than <see cref="Max"/>.</exception>
    public static TimeSpan? Validate(TimeSpan? value, string name) =>
        value is null || (value.Value > TimeSpan.Zero && value.Value <= Max)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"A deadline must be positive and at most {Max.TotalDays:0.#} days; null means none.");

    /// <summary>Notes the step of the call that <paramref name="request"/> belongs to, when it has a deadline.</summary>
    public static void Note(HttpRequestMessage request, CallStep step)
    {
        if (request.Options.TryGetValue(RequestContext.Key, out var context) && context.CallDeadline is { } deadline)
        {
            deadline.Step = step;
        }
    }

    /// <summary>Starts the next hop: a redirect to <paramref name="next"/>, at its first attempt.</summary>
    public void OnRedirect(HttpRequestMessage next)
    {
        Hop++;
        HopRequest = next;
        Attempt = 1;
        Step = CallStep.Sending;
        AuthResend = false;
        Reading = null;
    }

    /// <summary>Starts an attempt of the current hop (the retry stage's count, from 1).</summary>
    public void OnAttempt(int attempt)
    {
        Attempt = attempt;
        Step = CallStep.Sending;
    }

    /// <summary>Notes that <paramref name="response"/>'s body is being read.</summary>
    public void OnReading(Response response)
    {
        Reading = response;
        Step = CallStep.ReadingBody;
    }

    /// <summary>Notes that the body was read.</summary>
    public void OnRead()
    {
        Reading = null;
        Step = CallStep.Sending;
    }

    /// <summary>
    /// What a call that failed with <paramref name="exception"/> throws instead, or null for the exception itself: the
    /// deadline's expiry becomes <see cref="DeadlineExceededException"/>, and the caller's cancellation an
    /// <see cref="OperationCanceledException"/> that carries the caller's own token rather than the call's linked one.
    /// </summary>
    public Exception? Translate(Exception exception, HttpRequestMessage first, RequestContext context, Response? response, CancellationToken caller)
    {
        if (exception is not OperationCanceledException canceled || !_source.IsCancellationRequested)
        {
            return null;
        }

        if (caller.IsCancellationRequested)
        {
            return canceled.CancellationToken == caller ? null : new OperationCanceledException(canceled.Message, canceled, caller);
        }

        var hop = HopRequest ?? first;
        var request = PreparedRequest.FromMessage(hop, hop.Content is null ? null : context.Body);
        var message = Describe(Limit, Hop, HopRequest?.RequestUri, AuthResend, Attempt, Step);
        return new DeadlineExceededException(message, exception, request, response ?? Reading) { Deadline = Limit, Hop = Hop, Attempt = Attempt };
    }

    /// <summary>
    /// The message of an expiry: the deadline, the hop (a redirect's target with user information and query values
    /// hidden), the attempt and what the call was waiting for. It never holds a credential.
    /// </summary>
    public static string Describe(TimeSpan limit, int hop, Uri? redirectTarget, bool authResend, int attempt, CallStep step)
    {
        var text = new StringBuilder("The call's deadline of ").Append(Format(limit)).Append(" passed during hop ").Append(hop);
        if (hop > 1)
        {
            text.Append(" (a redirect to ").Append(Redaction.RedactForTelemetry(redirectTarget)).Append(authResend ? ", re-sent for auth)" : ")");
        }
        else if (authResend)
        {
            text.Append(" (re-sent for auth)");
        }

        return text.Append(", attempt ").Append(attempt).Append(", while ").Append(Describe(step)).Append('.').ToString();
    }

    /// <summary>A duration as people write it: <c>2 s</c>, <c>1.5 s</c>, <c>250 ms</c>.</summary>
    public static string Format(TimeSpan value) =>
        value >= TimeSpan.FromSeconds(1)
            ? TransportTimeouts.Seconds(value) + " s"
            : value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    public void Dispose()
    {
        // The registration first: disposing it waits for a running callback, which cancels the source.
        _caller.Dispose();
        _source.Dispose();
    }

    private static string Describe(CallStep step) => step switch
    {
        CallStep.ReadingBody => "reading the response body",
        CallStep.WaitingToRetry => "waiting to retry",
        CallStep.WaitingForPermit => "waiting for a rate-limit permit",
        CallStep.WaitingForHold => "waiting out the host's Retry-After",
        CallStep.GettingToken => "getting an OAuth2 token",
        _ => "waiting for the response",
    };
}
