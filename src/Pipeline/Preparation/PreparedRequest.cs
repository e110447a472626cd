namespace Pipeline;

/// <summary>
/// Represents exactly what a request puts on the wire (requests' <c>PreparedRequest</c>): final URL, merged headers
/// and encoded body.
/// </summary>
/// <remarks><see cref="Session.SendAsync"/> sends it as it is, without merging the session's settings again.</remarks>
public sealed class PreparedRequest
{
    /// <summary>Initializes a new instance of the <see cref="PreparedRequest"/> class.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="url">The absolute URL.</param>
    /// <exception cref="ArgumentException"><paramref name="method"/> or <paramref name="url"/> is empty, or <paramref name="method"/> is not an HTTP token.</exception>
    public PreparedRequest(string method, string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        Method = HeaderRules.ValidateMethod(method, nameof(method));
        Url = url;
    }

    /// <summary>Gets or sets the HTTP method.</summary>
    /// <exception cref="ArgumentException">The value is empty or not an HTTP token (a space, CR, LF or NUL in it).</exception>
    public string Method
    {
        get;
        set => field = HeaderRules.ValidateMethod(value, nameof(value));
    }

    /// <summary>Gets or sets the absolute URL, query included.</summary>
    public string Url { get; set; }

    /// <summary>Gets the headers to send.</summary>
    public HeaderMap Headers { get; private set; } = [];

    /// <summary>Gets or sets the body bytes, or <see langword="null"/> for no body or a streamed one.</summary>
    public byte[]? Body { get; set; }

    /// <summary>Gets or sets the HTTP version the request asks for: 1.0, 1.1, 2.0 or 3.0.</summary>
    /// <value>The default value is 1.1; <see cref="Session.PrepareRequest"/> sets the session's <see cref="Session.Version"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 1.0, 1.1, 2.0 or 3.0.</exception>
    public Version Version
    {
        get;
        set => field = HttpVersionRules.Validate(value, nameof(value));
    } = System.Net.HttpVersion.Version11;

    /// <summary>Gets or sets how <see cref="Version"/> is applied (HttpClient's <see cref="HttpRequestMessage.VersionPolicy"/>).</summary>
    /// <value>The default value is <see cref="HttpVersionPolicy.RequestVersionOrLower"/>; <see cref="Session.PrepareRequest"/> sets the session's <see cref="Session.VersionPolicy"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="HttpVersionPolicy"/>.</exception>
    public HttpVersionPolicy VersionPolicy
    {
        get;
        set => field = HttpVersionRules.Validate(value, nameof(value));
    } = HttpVersionPolicy.RequestVersionOrLower;

    internal HttpContent? Content { get; set; }

    internal Auth? Auth { get; set; }

    internal HookMap? Hooks { get; set; }

    internal IDictionary<string, string>? Cookies { get; set; }

    /// <summary>Copies the request (headers and body are copied; a streamed body is shared).</summary>
    /// <returns>The copy.</returns>
    public PreparedRequest Copy() => new(Method, Url)
    {
        Headers = new HeaderMap(Headers),
        Body = Body is null ? null : (byte[])Body.Clone(),
        Content = Body is null ? Content : null,
        Version = Version,
        VersionPolicy = VersionPolicy,
        Auth = Auth,
        Hooks = Hooks,
        Cookies = Cookies,
    };

    /// <summary>Returns the curl command that sends what this request sends, with credentials replaced by <c>***</c>.</summary>
    /// <returns>A command for POSIX shells (sh, bash, zsh), one option per line.</returns>
    /// <remarks>Same as <see cref="ToCurl(bool)"/> with <c>redactSecrets: true</c>; see there for what the command holds.</remarks>
    public string ToCurl() => CurlRules.ToCurl(this, redactSecrets: true);

    /// <summary>Returns the curl command that sends what this request sends: method, URL, every header and the exact body bytes.</summary>
    /// <param name="redactSecrets">
    /// Whether the values of Authorization and Proxy-Authorization (after the scheme) and of cookies are replaced by
    /// <c>***</c>; <see langword="false"/> shows them, so the command can be run as it is.
    /// </param>
    /// <returns>A command for POSIX shells (sh, bash, zsh), one option per line.</returns>
    /// <remarks>
    /// <para>
    /// Every argument is single-quoted. Headers are given in order with <c>-H</c>, and curl's own defaults are turned off
    /// where the request has none (<c>-H 'User-Agent:'</c>, <c>-H 'Accept:'</c>, and with a body <c>-H 'Content-Type:'</c>
    /// and <c>-H 'Expect:'</c>). A header value beyond ASCII is written with <c>printf</c>, so it goes out as the same
    /// ISO-8859-1 bytes. A text body goes in <c>--data-binary '…'</c>; a body that is not UTF-8 text, or holds NUL, CR or
    /// another control character, is written by <c>printf '…' | curl … --data-binary @-</c>, byte for byte. A body that is
    /// a stream Pipeline has not read is left to you: the command reads it from standard input and says so in a comment.
    /// </para>
    /// <para>
    /// Accept-Encoding is sent as it is and no <c>--compressed</c> is added, so curl writes a compressed answer as it
    /// arrives; add <c>--compressed</c> to have it decoded. The HTTP version becomes <c>--http1.1</c> (over https),
    /// <c>--http2</c>, <c>--http2-prior-knowledge</c> (h2c, or HTTP/2 only over https) or <c>--http3</c>. The session's TLS
    /// settings, proxies and timeouts are not part of a request: add <c>--cacert</c>, <c>-x</c> or <c>--max-time</c> yourself.
    /// </para>
    /// </remarks>
    public string ToCurl(bool redactSecrets) => CurlRules.ToCurl(this, redactSecrets);

    /// <summary>Returns <c>&lt;PreparedRequest [METHOD]&gt;</c> as requests does.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<PreparedRequest [{Method}]>";

    internal static PreparedRequest FromMessage(HttpRequestMessage message, byte[]? body, string? url = null)
    {
        var prepared = new PreparedRequest(message.Method.Method, url ?? message.RequestUri?.OriginalString ?? string.Empty)
        {
            Body = body,
            Version = HttpVersionRules.Known(message.Version) ?? System.Net.HttpVersion.Version11,
            VersionPolicy = message.VersionPolicy,
        };
        foreach (var header in message.Headers.NonValidated)
        {
            prepared.Headers.Add(header.Key, header.Value.ToString());
        }

        if (message.Content is not null)
        {
            foreach (var header in message.Content.Headers.NonValidated)
            {
                prepared.Headers.Add(header.Key, header.Value.ToString());
            }

            if (!prepared.Headers.ContainsKey("Content-Length") && message.Headers.TransferEncodingChunked != true
                && message.Content.Headers.ContentLength is { } length)
            {
                prepared.Headers["Content-Length"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return prepared;
    }
}
