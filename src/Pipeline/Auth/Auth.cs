namespace Pipeline;

/// <summary>
/// Represents an authentication scheme (requests' <c>AuthBase</c>), the extension point for custom schemes.
/// </summary>
/// <remarks>
/// A scheme can change each outgoing request in <see cref="Apply"/> and react to the response by overriding
/// <see cref="SendAsync"/> (for example answer a 401 by re-sending once). It runs once per redirect hop. A request
/// prepared with <see cref="Session.PrepareRequest"/> already carries what <see cref="Apply"/> added, so when it is sent
/// with <see cref="Session.SendAsync(PreparedRequest, RequestOptions?, CancellationToken)"/> it is not given it again, on
/// its first hop nor on a redirect hop that carries its headers on (requests' <c>prepare_auth</c> runs at preparation,
/// <c>send</c> does not run it); an override of
/// <see cref="SendAsync"/> keeps that rule by calling <see cref="ApplyUnlessPrepared"/> instead of <see cref="Apply"/>.
/// Assigning a tuple gives Basic auth: <c>session.Auth = ("user", "pass");</c>.
/// Instances may be shared by concurrent requests: keep any state thread-safe.
/// </remarks>
public abstract class Auth
{
    /// <summary>Gets the value that turns authentication off for one request, overriding the session's auth and URL credentials.</summary>
    public static Auth None { get; } = new NoAuth();

    /// <summary>Marks the hops of a prepared request whose auth was applied by <see cref="Session.PrepareRequest"/>.</summary>
    internal static readonly HttpRequestOptionsKey<bool> AppliedAtPreparationKey = new("Pipeline.AuthAppliedAtPreparation");

    /// <summary>Converts a (user, password) pair to <see cref="BasicAuth"/>.</summary>
    /// <param name="basic">The credentials.</param>
    public static implicit operator Auth((string User, string Password) basic) => new BasicAuth(basic.User, basic.Password);

    /// <summary>Creates <see cref="BasicAuth"/> from a (user, password) pair.</summary>
    /// <param name="basic">The credentials.</param>
    /// <returns>The scheme.</returns>
    public static Auth FromValueTuple((string User, string Password) basic) => basic;

    /// <summary>Adds credentials to a request about to be sent; called on every hop before sending.</summary>
    /// <param name="request">The outgoing request.</param>
    public virtual void Apply(HttpRequestMessage request)
    {
    }

    /// <summary>Sends a request through the rest of the pipeline; override to react to the response.</summary>
    /// <param name="request">The outgoing request.</param>
    /// <param name="next">Sends a request to the rest of this hop's pipeline; it may be called again with a new request to retry.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response the caller sees.</returns>
    /// <remarks>The default applies <see cref="Apply"/> (unless the request was prepared with it already) and sends once.</remarks>
    public virtual Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(next);
        ApplyUnlessPrepared(request);
        return next(request, cancellationToken);
    }

    /// <summary>Calls <see cref="Apply"/>, unless <see cref="Session.PrepareRequest"/> already applied this auth to the request.</summary>
    /// <param name="request">The outgoing request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    protected void ApplyUnlessPrepared(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AppliedAtPreparation(request))
        {
            Apply(request);
        }
    }

    /// <summary>Whether <see cref="Session.PrepareRequest"/> applied the auth to this message already (a prepared request's hop).</summary>
    internal static bool AppliedAtPreparation(HttpRequestMessage request) =>
        request.Options.TryGetValue(AppliedAtPreparationKey, out var applied) && applied;

    private sealed class NoAuth : Auth
    {
        public override string ToString() => "Auth.None";
    }
}
