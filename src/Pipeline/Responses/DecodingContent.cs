namespace Pipeline;

/// <summary>Decodes a gzip, deflate or brotli response body (requests decodes whatever Content-Encoding the server used).</summary>
internal sealed class DecodingContent : HttpContent
{
    /// <summary>The most codings one body may stack (urllib3 2.6's <c>max_decode_links</c>): each adds a decoder, so a long chain is a denial of service.</summary>
    public const int MaxCodings = 5;

    private readonly HttpContent _inner;
    private readonly string[] _encodings;

    /// <summary>Gets the codings of Content-Encoding, in the order the server applied them.</summary>
    public IReadOnlyList<string> Encodings => _encodings;

    /// <summary>Gets the body as the server sent it, still encoded.</summary>
    public HttpContent Inner => _inner;

    public DecodingContent(HttpContent inner, string[] encodings)
    {
        _inner = inner;
        _encodings = encodings;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
        }
    }

    /// <summary>Returns the encodings of a Content-Encoding header this content can decode, or null when one is unknown.</summary>
    public static string[]? Decodable(HttpContent content)
    {
        var encodings = content.Headers.ContentEncoding;
        if (encodings.Count == 0)
        {
            return null;
        }

        var result = new string[encodings.Count];
        var i = 0;
        foreach (var encoding in encodings)
        {
            var lower = encoding.ToLowerInvariant();
            if (lower is not ("gzip" or "x-gzip" or "deflate" or "br" or "identity"))
            {
                return null;
            }

            result[i++] = lower;
        }

        return result;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        await (await CreateContentReadStreamAsync().ConfigureAwait(false)).CopyToAsync(stream).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        if (_encodings.Length > MaxCodings)
        {
            throw new InvalidDataException(TooManyCodings(_encodings.Length));
        }

        return Decode(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Decodes <paramref name="stream"/>, the body as the server sent it (<see cref="Inner"/>'s, or a stream over it).</summary>
    public Stream Decode(Stream stream)
    {
        // Content-Encoding lists codings in the order applied, so they are undone in reverse.
        for (var i = _encodings.Length - 1; i >= 0; i--)
        {
            stream = _encodings[i] switch
            {
                "gzip" or "x-gzip" => new GzipDecodingStream(stream),
                "deflate" => new DeflateAutoDetectStream(stream),
                "br" => new BrotliDecodingStream(stream),
                _ => stream,
            };
        }

        return stream;
    }

    /// <summary>The message for a chain longer than <see cref="MaxCodings"/>.</summary>
    public static string TooManyCodings(int count) =>
        $"Received response with {count} content codings in Content-Encoding; at most {MaxCodings} are decoded (a longer chain is refused, as urllib3 does).";

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
