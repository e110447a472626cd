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
