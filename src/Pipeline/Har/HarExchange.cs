using System.Diagnostics;
using System.Net;

namespace Pipeline;

/// <summary>
/// One request as it went on the wire and what came back, filled in as it happens: the request when it is sent, the
/// response head when it arrives, the body bytes as the caller reads them. Safe to snapshot while a body is being read.
/// </summary>
internal sealed class HarExchange
{
    private readonly Lock _gate = new();
    private readonly long _started;
    private readonly HarBodyCapture? _requestBody;
    private HarBodyCapture? _responseBody;
    private long _headReceived;
    private long _ended;
    private HttpStatusCode _status;
    private string? _reason;
    private Version? _responseVersion;
    private List<KeyValuePair<string, string>>? _responseHeaders;
    private string[]? _encodings;
    private long? _declaredLength;
    private string? _error;

    public HarExchange(HttpRequestMessage request, int cap, DateTimeOffset startedAt)
    {
        _started = Stopwatch.GetTimestamp();
        StartedAt = startedAt;
        Method = request.Method.Method;
        Url = request.RequestUri is { } uri ? uri.GetLeftPart(UriPartial.Query) : string.Empty;
        RequestVersion = request.Version;
        IsTokenRequest = request.Options.TryGetValue(OAuth2Auth.TokenRequestKey, out var token) && token;
        RequestHeaders = CaptureRequestHeaders(request);
        if (request.Content is not null)
        {
            _requestBody = new HarBodyCapture(cap);
        }

        Cap = cap;
    }

    public DateTimeOffset StartedAt { get; }

    public string Method { get; }

    public string Url { get; }

    public Version RequestVersion { get; }

    public bool IsTokenRequest { get; }

    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; }

    public int Cap { get; }

    public void OnRequestBytes(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _requestBody?.Append(data);
        }
    }

    public void OnRequestBodyEnd()
    {
        lock (_gate)
        {
            if (_requestBody is not null)
            {
                _requestBody.Complete = true;
            }
        }
    }

    /// <summary>Records the response head; <paramref name="raw"/> is the body as it came off the wire (still encoded when <paramref name="encodings"/> is set).</summary>
    public void OnResponse(HttpResponseMessage response, HttpContent raw, string[]? encodings)
    {
        var headers = new List<KeyValuePair<string, string>>();
        AddHeaders(headers, response.Headers.NonValidated);
        AddHeaders(headers, raw.Headers.NonValidated);
        lock (_gate)
        {
            _headReceived = Stopwatch.GetTimestamp();
            _status = response.StatusCode;
            _reason = response.ReasonPhrase;
            _responseVersion = response.Version;
            _responseHeaders = headers;
            _encodings = encodings;
            _declaredLength = raw.Headers.ContentLength;
            _responseBody = new HarBodyCapture(Cap);
        }
    }

    public void OnResponseBytes(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _responseBody?.Append(data);

            // A decoder stops reading at the end of its compressed stream, before the transport's end of body.
            if (_responseBody is { } body && body.Total >= _declaredLength)
            {
                body.Complete = true;
            }
        }
    }

    /// <summary>The body was read to its end.</summary>
    public void OnResponseEnd()
    {
        lock (_gate)
        {
            if (_responseBody is not null)
            {
                _responseBody.Complete = true;
            }

            if (_ended == 0)
            {
                _ended = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>The body was released, read to its end or not.</summary>
    public void OnResponseClosed()
    {
        lock (_gate)
        {
            if (_ended == 0)
            {
                _ended = Stopwatch.GetTimestamp();
            }
        }
    }

    public void OnFailure(Exception exception)
    {
        lock (_gate)
        {
            _error ??= exception is OperationCanceledException ? "The request was canceled." : exception.GetType().Name + ": " + exception.Message;
            if (_ended == 0)
            {
                _ended = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Copies what is known now; an exchange still in progress is written as it stands.</summary>
    public HarEntry Snapshot()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var ended = _ended == 0 ? now : _ended;
            var head = _headReceived == 0 ? ended : _headReceived;
            return new HarEntry
            {
                StartedAt = StartedAt,
                Method = Method,
                Url = Url,
                RequestVersion = RequestVersion,
                RequestHeaders = RequestHeaders,
                RequestBody = _requestBody?.ToArray(),
                RequestBodySize = _requestBody?.Total ?? 0,
                RequestBodyTruncated = _requestBody?.Truncated ?? false,
                IsTokenRequest = IsTokenRequest,
                HasResponse = _responseHeaders is not null,
                Status = (int)_status,
                Reason = _reason ?? string.Empty,
                ResponseVersion = _responseVersion,
                ResponseHeaders = _responseHeaders ?? [],
                ResponseBody = _responseBody?.ToArray() ?? [],
                ResponseBodySize = _responseBody?.Total ?? 0,
                ResponseBodyTruncated = _responseBody?.Truncated ?? false,
                ResponseBodyComplete = _responseBody?.Complete ?? false,
                Encodings = _encodings,
                Error = _error,
                Wait = Stopwatch.GetElapsedTime(_started, head),
                Receive = Stopwatch.GetElapsedTime(head, ended),
            };
        }
    }

    private static List<KeyValuePair<string, string>> CaptureRequestHeaders(HttpRequestMessage request)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (request.Headers.Host is null && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            headers.Add(new("Host", uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port));
        }

        AddHeaders(headers, request.Headers.NonValidated);
        if (request.Content is { } content)
        {
            AddHeaders(headers, content.Headers.NonValidated);
            if (!content.Headers.NonValidated.Contains("Content-Length") && content.Headers.ContentLength is { } length)
            {
                headers.Add(new("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return headers;
    }

    private static void AddHeaders(List<KeyValuePair<string, string>> target, System.Net.Http.Headers.HttpHeadersNonValidated headers)
    {
        foreach (var header in headers)
        {
            foreach (var value in header.Value)
            {
                target.Add(new(header.Key, value));
            }
        }
    }
}
