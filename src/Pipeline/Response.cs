using System.Net;
using System.Net.Http.Headers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline;

/// <summary>
/// Represents a server's response to a request (requests' <c>Response</c>): status, headers, body, redirect history.
/// </summary>
/// <remarks>
/// Unless the request streamed (<see cref="Session.Stream"/> or <see cref="RequestOptions.Stream"/>), the body is
/// read before the call returns and the connection goes back to the pool. A streamed response holds its connection
/// until the body is read or the response is disposed.
/// </remarks>
public sealed class Response : IDisposable
{
    private readonly JsonSerializerOptions _jsonOptions;
    private readonly HttpRequestMessage? _requestMessage;
    private readonly byte[]? _requestBody;

    // Kept to build Headers on first use: a response nobody asks for headers (most of them) skips the copy.
    private readonly HttpResponseHeaders _responseHeaders;
    private readonly HttpContentHeaders _contentHeaders;
    private HttpResponseMessage? _message;
    private byte[]? _content;
    private bool _consumed;
    private bool _encodingResolved;
    private Encoding? _encoding;
    private PreparedRequest? _request;
    private IReadOnlyDictionary<string, Link>? _links;
    private HeaderMap? _headers;

    internal Response(
        HttpResponseMessage message, byte[]? requestBody, TimeSpan elapsed, JsonSerializerOptions jsonOptions, TimeSpan? readTimeout = null,
        long maxContentLength = SessionSettings.DefaultMaxResponseContentLength)
    {
        MaxContentLength = maxContentLength;
        _message = message;
        _requestMessage = message.RequestMessage;
        _requestBody = requestBody;
        _jsonOptions = jsonOptions;
        StatusCode = message.StatusCode;
        Reason = message.ReasonPhrase;
        Url = message.RequestMessage?.RequestUri?.OriginalString ?? string.Empty;
        Elapsed = elapsed;
        _responseHeaders = message.Headers;
        _contentHeaders = message.Content.Headers;
        RequestUri = message.RequestMessage?.RequestUri;
        ReadTimeout = readTimeout;
        SetCookieHeaders = message.Headers.NonValidated.TryGetValues("Set-Cookie", out var setCookies) ? [.. setCookies] : [];
        FromCache = message is CachedResponseMessage;
        Version = message.Version;
    }

    internal Uri? RequestUri { get; }

    /// <summary>Gets or sets the reporter the body's reads count to (<see cref="RequestOptions.Progress"/>), or null.</summary>
    internal ProgressReporter? Progress { get; set; }

    /// <summary>Gets the read timeout that bounds every read of the body, or null.</summary>
    internal TimeSpan? ReadTimeout { get; }

    /// <summary>Gets the largest body read into memory (<see cref="Session.MaxResponseContentLength"/>); streamed iteration is not limited.</summary>
    internal long MaxContentLength { get; }

    /// <summary>Gets each Set-Cookie header as received, one entry per header (requests reads them one by one too).</summary>
    internal IReadOnlyList<string> SetCookieHeaders { get; }

    /// <summary>Gets a value indicating whether the response was served from the session's <see cref="HttpCache"/>, fresh, stale, or revalidated with the origin (a 304).</summary>
    /// <remarks>A response from the cache does not store its Set-Cookie in the session's jar again, and its <see cref="Cookies"/> is empty.</remarks>
    public bool FromCache { get; }

    /// <summary>Gets the HTTP version of the response: the one negotiated with the server (requests' <c>raw.version</c>), such as 1.1 or 2.0.</summary>
    /// <remarks>A request may ask for another (<see cref="Session.Version"/>); with <see cref="HttpVersionPolicy.RequestVersionOrLower"/> a server that only speaks HTTP/1.1 answers in 1.1.</remarks>
    public Version Version { get; }

    /// <summary>Gets the status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the reason phrase as the server sent it.</summary>
    public string? Reason { get; }

    /// <summary>Gets a value indicating whether <see cref="RaiseForStatus"/> would not throw: the status is not 4xx or 5xx.</summary>
    /// <remarks>Same rule as requests' <c>ok</c>: 3xx and statuses of 600 and above count as ok.</remarks>
    public bool Ok => (int)StatusCode is < 400 or >= 600;

    /// <summary>Gets the final URL, fragment included.</summary>
    public string Url { get; internal set; }

    /// <summary>Gets the redirect responses that led here, oldest first.</summary>
    public IReadOnlyList<Response> History { get; internal set; } = [];

    /// <summary>Gets the response and content headers together, case-insensitive; repeated headers are joined with <c>", "</c>.</summary>
    /// <remarks>Copied from the HTTP response on first use (the copy stays valid after the body is read and the response disposed).</remarks>
    public HeaderMap Headers => Volatile.Read(ref _headers) ?? CopyHeaders();

    /// <summary>Gets the cookies this response set.</summary>
    public CookieJar Cookies
    {
        get => LazyInitializer.EnsureInitialized(ref field);
        internal set;
    }

    /// <summary>Gets the time from sending the request to receiving the response headers.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets or sets the encoding <see cref="Text"/> uses.</summary>
    /// <value>
    /// The charset of Content-Type; else ISO-8859-1 for <c>text/*</c> and UTF-8 for <c>application/json</c>, as requests;
    /// else <see langword="null"/>, and <see cref="Text"/> detects it from the bytes.
    /// </value>
    public Encoding? Encoding
    {
        get
        {
            if (!_encodingResolved)
            {
                _encoding = EncodingRules.GetEncodingFromHeaders(Headers["Content-Type"]);
                _encodingResolved = true;
            }

            return _encoding;
        }

        set
        {
            _encoding = value;
            _encodingResolved = true;
        }
    }

    /// <summary>Gets the body bytes, decompressed.</summary>
    /// <exception cref="InvalidOperationException">The response is streamed and its body was not read with <see cref="ReadContentAsync"/>, or was consumed by iteration.</exception>
    public byte[] Content => _content ?? throw new InvalidOperationException(_consumed
        ? "The content for this response was already consumed."
        : "The response is streamed: await ReadContentAsync() (or iterate the body) before reading Content or Text.");

    /// <summary>Gets the body decoded as text with <see cref="Encoding"/>, or with the detected encoding when that is <see langword="null"/>.</summary>
    /// <exception cref="InvalidOperationException">The response is streamed and its body was not read.</exception>
    public string Text
    {
        get
        {
            var content = Content;
            if (content.Length == 0)
            {
                return string.Empty;
            }

            var encoding = Encoding ?? EncodingRules.DetectEncoding(content);
            var skip = EncodingRules.PreambleLength(content, encoding);
            return encoding.GetString(content, skip, content.Length - skip);
        }
    }

    /// <summary>Gets the parsed <c>Link</c> header, keyed by <c>rel</c> (or by URL when a link has no rel).</summary>
    public IReadOnlyDictionary<string, Link> Links => _links ??= LinkRules.Parse(Headers["Link"]);

    /// <summary>Gets the request that produced this response, as it was sent.</summary>
    public PreparedRequest Request
    {
        get => _request ??= _requestMessage is null
            ? new PreparedRequest("GET", string.IsNullOrEmpty(Url) ? "about:blank" : Url)
            : PreparedRequest.FromMessage(_requestMessage, _requestBody);
        internal set => _request = value;
    }

    /// <summary>Gets the redirect that was not followed because redirects were off, or <see langword="null"/>.</summary>
    public PreparedRequest? Next { get; internal set; }

    /// <summary>Gets a value indicating whether this is a redirect requests would follow: a Location header and status 301, 302, 303, 307 or 308.</summary>
    public bool IsRedirect => HeaderValue("Location") is not null && RedirectRules.IsRedirectStatus(StatusCode);

    /// <summary>Gets a value indicating whether this is a permanent redirect: a Location header and status 301 or 308.</summary>
    public bool IsPermanentRedirect => HeaderValue("Location") is not null && (int)StatusCode is 301 or 308;

    /// <summary>Deserializes the JSON body.</summary>
    /// <typeparam name="T">The type to deserialize.</typeparam>
    /// <param name="options">Serializer options; the session's when <see langword="null"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JsonDecodeException">
    /// The body is not valid JSON for <typeparamref name="T"/> (requests' <c>JSONDecodeError</c>); the System.Text.Json
    /// <see cref="JsonException"/> is its <see cref="Exception.InnerException"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">The response is streamed and its body was not read.</exception>
    /// <remarks>
    /// Without a charset (and not <c>text/*</c> or <c>application/json</c>, which name one), the encoding is guessed from
    /// the first four bytes as requests' <c>guess_json_utf</c> does: UTF-8, UTF-16 or UTF-32, either byte order, with or
    /// without a BOM; when no guess fits, the body is decoded as <see cref="Text"/> is.
    /// Reflection-based; in trimmed and Native AOT apps use <see cref="Json{T}(JsonTypeInfo{T})"/>.
    /// </remarks>
    [RequiresUnreferencedCode(JsonBody.ReflectionMessage)]
    [RequiresDynamicCode(JsonBody.ReflectionMessage)]
    public T? Json<T>(JsonSerializerOptions? options = null)
    {
        var (bytes, text) = JsonSource();
        options ??= _jsonOptions;
        try
        {
            return text is null ? JsonSerializer.Deserialize<T>(bytes.Span, options) : JsonSerializer.Deserialize<T>(text, options);
        }
        catch (JsonException ex)
        {
            throw new JsonDecodeException(ex.Message, ex, Request, this);
        }
    }

    /// <summary>Deserializes the JSON body with a source-generated type info (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The type to deserialize.</typeparam>
    /// <param name="typeInfo">The type info, such as <c>AppJsonContext.Default.Item</c>; its options apply, not the session's.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonDecodeException">The body is not valid JSON for <typeparamref name="T"/>; the System.Text.Json <see cref="JsonException"/> is its <see cref="Exception.InnerException"/>.</exception>
    /// <exception cref="InvalidOperationException">The response is streamed and its body was not read.</exception>
    /// <remarks>The same shape as System.Net.Http.Json's <c>ReadFromJsonAsync(JsonTypeInfo&lt;T&gt;)</c>.</remarks>
    public T? Json<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var (bytes, text) = JsonSource();
        try
        {
            return text is null ? JsonSerializer.Deserialize(bytes.Span, typeInfo) : JsonSerializer.Deserialize(text, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new JsonDecodeException(ex.Message, ex, Request, this);
        }
    }

    /// <summary>Parses the JSON body into a <see cref="JsonElement"/>.</summary>
    /// <returns>The root element.</returns>
    /// <exception cref="JsonDecodeException">
    /// The body is not valid JSON (requests' <c>JSONDecodeError</c>); the System.Text.Json <see cref="JsonException"/> is
    /// its <see cref="Exception.InnerException"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">The response is streamed and its body was not read.</exception>
    /// <remarks>The encoding is found as for <see cref="Json{T}(JsonSerializerOptions)"/>: requests' <c>guess_json_utf</c> when the response names none.</remarks>
    public JsonElement Json()
    {
        var (bytes, text) = JsonSource();
        try
        {
            using var document = text is null ? JsonDocument.Parse(bytes) : JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new JsonDecodeException(ex.Message, ex, Request, this);
        }
    }

    /// <summary>Reads the whole body of a streamed response so that <see cref="Content"/> and <see cref="Text"/> work, and releases the connection.</summary>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>A task that completes when the body is read.</returns>
    /// <exception cref="StreamConsumedException">The body was already consumed by iteration.</exception>
    /// <exception cref="ContentTooLargeException">The body is larger than <see cref="Session.MaxResponseContentLength"/>.</exception>
    /// <exception cref="ContentDecodingException">The body cannot be decoded: corrupt, cut before its end, or more than five stacked codings.</exception>
    public async Task ReadContentAsync(CancellationToken cancellationToken = default)
    {
        if (_content is null)
        {
            await ReadBodyAsync(TakeStream(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Iterates the body in chunks of at most <paramref name="chunkSize"/> bytes; a buffered body is replayed.</summary>
    /// <param name="chunkSize">The largest chunk. For a body already read, zero or less gives it whole in one chunk, as requests' <c>iter_slices</c>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The chunks. For a streamed body each chunk is only valid until the next is requested; copy it to keep it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is not positive and the body is streamed, not read yet.</exception>
    /// <exception cref="StreamConsumedException">A streamed body was already consumed.</exception>
    /// <exception cref="ReadTimeoutException">The server sent nothing for longer than the read timeout.</exception>
    /// <exception cref="ChunkedEncodingException">The body ended early or the connection broke.</exception>
    /// <exception cref="ContentDecodingException">The gzip, deflate or brotli body cannot be decoded: corrupt, cut before its end, or more than five stacked codings.</exception>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> IterContentAsync(int chunkSize = 8192, CancellationToken cancellationToken = default)
    {
        if (_content is null)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);

            // Claim the stream now, so a second iteration fails at once rather than when enumerated.
            return IterateStreamAsync(TakeStream(), chunkSize, cancellationToken);
        }

        // requests' iter_slices: a slice length of zero or less is the whole body.
        return ReplayAsync(_content, chunkSize <= 0 ? Math.Max(_content.Length, 1) : chunkSize, cancellationToken);
    }

    /// <summary>Iterates the body line by line; a line ends at <c>\n</c>, <c>\r</c> or <c>\r\n</c>, also across chunk boundaries.</summary>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The lines, decoded with <see cref="Encoding"/> (UTF-8 when unknown), without their terminators.</returns>
    public IAsyncEnumerable<string> IterLinesAsync(CancellationToken cancellationToken = default) =>
        IterLinesAsync(null, 512, cancellationToken);

    /// <summary>Iterates the body split on <paramref name="delimiter"/>, or on line breaks when it is <see langword="null"/>.</summary>
    /// <param name="delimiter">The delimiter, or <see langword="null"/> for <c>\n</c>, <c>\r</c> and <c>\r\n</c>.</param>
    /// <param name="chunkSize">The size of the reads from the body.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The pieces, decoded with <see cref="Encoding"/> (UTF-8 when unknown).</returns>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    public IAsyncEnumerable<string> IterLinesAsync(string? delimiter, int chunkSize = 512, CancellationToken cancellationToken = default)
    {
        if (delimiter is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(delimiter);
        }

        return LineSplitter.SplitAsync(IterContentAsync(chunkSize, cancellationToken), Encoding ?? Encoding.UTF8, delimiter, cancellationToken);
    }

    /// <summary>Returns the body as the server sent it, still gzip/deflate/brotli encoded (requests' <c>raw</c>), for a streamed response.</summary>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The raw body stream; disposing it releases the connection. Empty when the body was already read into <see cref="Content"/>.</returns>
    /// <exception cref="StreamConsumedException">The body of a streamed response was already iterated.</exception>
    /// <remarks>
    /// The stream claims the body: <see cref="Content"/> and the iterators are unavailable afterwards. A buffered body
    /// (<c>Stream = false</c>, or after <see cref="ReadContentAsync"/>) leaves nothing to read, as requests' <c>raw</c>
    /// after its content was read, so the stream is empty.
    /// </remarks>
    public async Task<Stream> GetRawStreamAsync(CancellationToken cancellationToken = default)
    {
        if (_content is not null)
        {
            return Stream.Null;
        }

        var message = TakeStream();
        try
        {
            var content = message.Content is DecodingContent decoding ? decoding.Inner : message.Content;
            var stream = await BodyReader.OpenAsync(content, this, cancellationToken).ConfigureAwait(false);
            return new MessageOwningStream(stream, message);
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>Throws <see cref="HttpErrorException"/> for a 4xx or 5xx status, with requests' message.</summary>
    /// <returns>This response, when the status is not an error.</returns>
    /// <exception cref="HttpErrorException">The status is 400–599: <c>"404 Client Error: Not Found for url: …"</c>.</exception>
    public Response RaiseForStatus()
    {
        var code = (int)StatusCode;
        var kind = code switch
        {
            >= 400 and < 500 => "Client Error",
            >= 500 and < 600 => "Server Error",
            _ => null,
        };
        if (kind is null)
        {
            return this;
        }

        var message = $"{code} {kind}: {Reason} for url: {Redaction.RedactUrl(Url)}";
        throw new HttpErrorException(message, null, Request, this);
    }

    /// <summary>Releases the connection of a streamed response that was not read to the end.</summary>
    public void Dispose()
    {
        _message?.Dispose();
        _message = null;
    }

    /// <summary>Returns <c>&lt;Response [code]&gt;</c> as requests does.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<Response [{(int)StatusCode}]>";

    /// <summary>Reads the body unless it was read, consumed or released already: what a call that does not stream does.</summary>
    internal Task BufferAsync(CancellationToken cancellationToken) =>
        _content is not null || _message is null ? Task.CompletedTask : ReadBodyAsync(TakeStream(), cancellationToken);

    /// <summary>One header's value as <see cref="Headers"/> would give it, without copying the headers when they were not copied yet.</summary>
    internal string? HeaderValue(string name)
    {
        if (Volatile.Read(ref _headers) is { } headers)
        {
            return headers[name];
        }

        if (_responseHeaders.NonValidated.TryGetValues(name, out var values) || _contentHeaders.NonValidated.TryGetValues(name, out values))
        {
            return values.Count == 1 ? values.ToString() : string.Join(", ", values);
        }

        return null;
    }

    private HeaderMap CopyHeaders()
    {
        var headers = new HeaderMap();
        foreach (var header in _responseHeaders.NonValidated)
        {
            foreach (var value in header.Value)
            {
                headers.Add(header.Key, value);
            }
        }

        foreach (var header in _contentHeaders.NonValidated)
        {
            foreach (var value in header.Value)
            {
                headers.Add(header.Key, value);
            }
        }

        // Two threads may copy at once; both then return the first copy stored.
        return Interlocked.CompareExchange(ref _headers, headers, null) ?? headers;
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReplayAsync(byte[] content, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < content.Length; offset += chunkSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return content.AsMemory(offset, Math.Min(chunkSize, content.Length - offset));
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> IterateStreamAsync(HttpResponseMessage message, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = ReadTimer.Start(ReadTimeout, cancellationToken);
        try
        {
            var stream = await BodyReader.OpenAsync(message.Content, this, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // One buffer for the whole iteration keeps a large download at a constant footprint: a chunk is valid
                // until the next one is requested (copy it with ToArray() to keep it).
                var buffer = new byte[chunkSize];
                while (true)
                {
                    var filled = 0;
                    while (filled < chunkSize)
                    {
                        var read = await BodyReader.ReadAsync(stream, buffer.AsMemory(filled), this, timer, cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        filled += read;
                    }

                    if (filled == 0)
                    {
                        yield break;
                    }

                    yield return buffer.AsMemory(0, filled);
                    if (filled < chunkSize)
                    {
                        yield break;
                    }
                }
            }
        }
        finally
        {
            message.Dispose();
        }
    }

    // The one read of a whole body, for ReadContentAsync and BufferAsync alike; the connection is released after it.
    private async Task ReadBodyAsync(HttpResponseMessage message, CancellationToken cancellationToken)
    {
        try
        {
            _content = await BodyReader.ReadAllAsync(message.Content, this, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            message.Dispose();
        }
    }

    private HttpResponseMessage TakeStream()
    {
        if (_consumed || _message is null)
        {
            throw new StreamConsumedException("The content for this response was already consumed.", null, null, this);
        }

        _consumed = true;
        var message = _message;
        _message = null;
        return message;
    }

    private (ReadOnlyMemory<byte> Bytes, string? Text) JsonSource()
    {
        var content = Content;
        var encoding = Encoding;
        if (encoding is null)
        {
            // requests' json(): guess_json_utf on more than three bytes; no guess, or one the bytes do not decode with
            // (its UnicodeDecodeError), falls back to the text's own detection.
            var guessed = content.Length > 3 ? EncodingRules.GuessJsonUtf(content) : null;
            encoding = guessed is not null && EncodingRules.Decodes(content, guessed) ? guessed : EncodingRules.DetectEncoding(content);
        }

        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            var skip = EncodingRules.PreambleLength(content, Encoding.UTF8);
            return (content.AsMemory(skip), null);
        }

        var preamble = EncodingRules.PreambleLength(content, encoding);
        return (default, encoding.GetString(content, preamble, content.Length - preamble));
    }
}
