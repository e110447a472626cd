using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Pipeline;

/// <summary>
/// Answers requests with the responses of a HAR file, for tests: mount it where the recording was made, and the session's
/// stages (cookies, redirects, hooks, auth) run over it as over the network.
/// </summary>
/// <remarks>
/// <para>
/// <code>session.Mount("https://api.example.com/", HarReplayHandler.Load("traffic.har"));</code>
/// A request is matched by method and URL, and by body when the entry recorded one; headers are never compared. Entries
/// answer in the order they were recorded: the same request sent twice gets the first recorded answer, then the second.
/// A request with no answer left is a <see cref="HarReplayException"/> that lists the nearest entries. An entry recorded
/// without a response (a connection failure) is replayed as a <see cref="ConnectionException"/>.
/// </para>
/// <para>Safe for concurrent requests; concurrent requests for the same URL take its answers in the order they arrive.</para>
/// </remarks>
public sealed class HarReplayHandler : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly HarReplayEntry[] _entries;

    private HarReplayHandler(HarReplayEntry[] entries)
    {
        _entries = entries;
    }

    /// <summary>Gets how many entries the file holds.</summary>
    public int Count => _entries.Length;

    /// <summary>Gets how many entries have not answered a request yet.</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                var remaining = 0;
                foreach (var entry in _entries)
                {
                    remaining += entry.Used ? 0 : 1;
                }

                return remaining;
            }
        }
    }

    /// <summary>Loads a HAR file.</summary>
    /// <param name="path">The HAR file.</param>
    /// <returns>A handler that answers with the file's responses.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a HAR log.</exception>
    public static HarReplayHandler Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Loads a HAR log from a stream (an embedded resource, for example); the stream is read to its end and left open.</summary>
    /// <param name="stream">The HAR log.</param>
    /// <returns>A handler that answers with the log's responses.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The stream is not a HAR log.</exception>
    public static HarReplayHandler Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new HarReplayHandler(HarReader.Read(stream));
    }

    /// <summary>Answers with the first unused entry recorded for the request's method, URL and body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The recorded response.</returns>
    /// <exception cref="HarReplayException">No entry is left for the request.</exception>
    /// <exception cref="ConnectionException">The matching entry recorded a failure instead of a response.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var url = request.RequestUri?.AbsoluteUri ?? string.Empty;
        var matchUrl = HarMatchRules.NormalizeUrl(url);
        HarReplayEntry? found = null;
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (!entry.Used && entry.Method.Equals(request.Method.Method, StringComparison.OrdinalIgnoreCase)
                    && entry.MatchUrl == matchUrl && HarMatchRules.BodyMatches(entry, body))
                {
                    entry.Used = true;
                    found = entry;
                    break;
                }
            }
        }

        if (found is null)
        {
            throw NoMatch(request.Method.Method, url, matchUrl, body);
        }

        if (found.Status == 0)
        {
            throw new ConnectionException($"Replayed failure of {found.Describe()}: {found.Error ?? "no response was recorded"}");
        }

        return CreateResponse(found, request);
    }

    /// <summary>Not supported: Pipeline is async-only.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    private static HttpResponseMessage CreateResponse(HarReplayEntry entry, HttpRequestMessage request)
    {
        var response = new HttpResponseMessage((HttpStatusCode)entry.Status)
        {
            RequestMessage = request,
            Version = ParseVersion(entry.HttpVersion),
        };
        if (!string.IsNullOrEmpty(entry.StatusText))
        {
            response.ReasonPhrase = entry.StatusText;
        }

        var content = new ByteArrayContent(entry.ResponseBody);
        string? contentLength = null;
        foreach (var (name, value) in entry.ResponseHeaders)
        {
            // HTTP/2 pseudo-headers (":status") that browsers list are not headers.
            if (name.StartsWith(':'))
            {
                continue;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = value;
            }
            else if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var encodings = entry.ResponseBody.Length == 0 ? null : DecodingContent.Decodable(content);
        if (encodings is not null && Array.Exists(encodings, e => e != "identity"))
        {
            // The file holds the decoded body; it is encoded again so the body, its headers and the raw stream agree.
            var encoded = new ByteArrayContent(Encode(entry.ResponseBody, encodings));
            RequestCopy.CopyHeaders(content.Headers, encoded.Headers);
            SetContentLength(encoded, contentLength);
            content.Dispose();
            response.Content = new DecodingContent(encoded, encodings);
            return response;
        }

        // A body the file holds whole declares its own length; an empty one (HEAD, 304) keeps the recorded one.
        if (entry.ResponseBody.Length == 0)
        {
            SetContentLength(content, contentLength);
        }

        response.Content = content;
        return response;
    }

    private static void SetContentLength(HttpContent content, string? value)
    {
        if (value is not null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            content.Headers.ContentLength = length;
        }
    }

    private static byte[] Encode(byte[] body, string[] encodings)
    {
        var data = body;
        foreach (var encoding in encodings)
        {
            using var output = new MemoryStream();
            using (var compressor = Compressor(encoding, output))
            {
                if (compressor is null)
                {
                    continue;
                }

                compressor.Write(data);
            }

            data = output.ToArray();
        }

        return data;
    }

    private static Stream? Compressor(string encoding, Stream output) => encoding switch
    {
        "gzip" or "x-gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        _ => null,
    };

    private static Version ParseVersion(string? httpVersion) => httpVersion?.ToUpperInvariant() switch
    {
        "HTTP/2" or "HTTP/2.0" or "H2" => HttpVersion.Version20,
        "HTTP/3" or "HTTP/3.0" or "H3" => HttpVersion.Version30,
        "HTTP/1.0" => HttpVersion.Version10,
        _ => HttpVersion.Version11,
    };

    private HarReplayException NoMatch(string method, string url, string matchUrl, byte[]? body)
    {
        var shown = Redaction.RedactUrl(url);
        var target = method + " " + matchUrl;
        List<(HarReplayEntry Entry, int Distance)> ranked;
        lock (_gate)
        {
            ranked = [.. _entries.Select(e => (e, HarMatchRules.Distance(target, e.Method.ToUpperInvariant() + " " + e.MatchUrl)))];
        }

        ranked.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Entry.Index.CompareTo(b.Entry.Index));
        var nearest = new List<string>();
        var message = new StringBuilder()
            .Append("No recorded response left for ").Append(method).Append(' ').Append(shown);
        if (body is { Length: > 0 })
        {
            message.Append(" (body of ").Append(body.Length).Append(" bytes)");
        }

        if (ranked.Count == 0)
        {
            return new HarReplayException(message.Append(": the HAR file has no entries.").ToString(), nearest);
        }

        message.Append(". Nearest recorded entries:");
        foreach (var (entry, _) in ranked.Take(5))
        {
            var described = Redaction.RedactUrl(entry.Describe());
            nearest.Add(described);
            message.Append("\n  ").Append(described).Append(Why(entry, method, matchUrl, body));
        }

        return new HarReplayException(message.ToString(), nearest);
    }

    private static string Why(HarReplayEntry entry, string method, string matchUrl, byte[]? body)
    {
        if (!entry.Method.Equals(method, StringComparison.OrdinalIgnoreCase) || entry.MatchUrl != matchUrl)
        {
            return string.Empty;
        }

        return entry.Used ? " (already replayed)" : !HarMatchRules.BodyMatches(entry, body) ? " (body differs)" : string.Empty;
    }
}
