using System.Buffers;
using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>Header validation and merging as requests' <c>check_header_validity</c> and <c>merge_setting</c>.</summary>
internal static class HeaderRules
{
    // RFC 9110 section 5.5: a field value has no control characters but HTAB (and no DEL); CR and LF are tested first, for
    // requests' own message.
    private static readonly SearchValues<char> ControlChars = SearchValues.Create(
        "\0\x01\x02\x03\x04\x05\x06\x07\x08\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F");

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Whether .NET keeps the header on <see cref="HttpContent"/> rather than on the request.</summary>
    /// <remarks>
    /// Dispatched on the length first: every request asks this of every session header, and most names (User-Agent,
    /// Accept, Accept-Encoding, Connection) are ruled out without a comparison. A case-insensitive set lookup cost
    /// about 30 ns per header (OverheadBenchmark).
    /// </remarks>
    public static bool IsContentHeader(string name) => name.Length switch
    {
        5 => Is(name, "Allow"),
        7 => Is(name, "Expires"),
        11 => Is(name, "Content-MD5"),
        12 => Is(name, "Content-Type"),
        13 => Is(name, "Content-Range") || Is(name, "Last-Modified"),
        14 => IsContentLength(name),
        16 => Is(name, "Content-Encoding") || Is(name, "Content-Language") || Is(name, "Content-Location"),
        19 => Is(name, "Content-Disposition"),
        _ => false,
    };

    private static bool IsContentLength(string name) => Is(name, "Content-Length");

    private static bool Is(string name, string known) => string.Equals(name, known, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Validates a header as requests does: the name matches <c>^[^:\s][^:\r\n]*$</c> and the value
    /// <c>^\S[^\r\n]*$|^$</c>. A null value (a removal marker) is allowed.
    /// </summary>
    public static void Validate(string name, string? value)
    {
        if (name.Length == 0 || char.IsWhiteSpace(name[0]) || name.AsSpan().IndexOfAny(":\r\n") >= 0)
        {
            throw new InvalidHeaderException(
                $"Invalid leading whitespace, reserved character(s), or return character(s) in header name: '{Escape(name)}'");
        }

        // requests would let "Bad Name" through; .NET cannot put a non-token name on the wire (RFC 9110 field-name = token).
        if (!IsToken(name))
        {
            throw new InvalidHeaderException($"Invalid header name: '{Escape(name)}' is not an HTTP token (RFC 9110).");
        }

        if (value is not null && ((value.Length > 0 && char.IsWhiteSpace(value[0])) || value.AsSpan().IndexOfAny('\r', '\n') >= 0))
        {
            throw new InvalidHeaderException(
                $"Invalid leading whitespace, reserved character(s), or return character(s) in header value: '{Escape(Redaction.RedactHeaderValue(name, value))}'");
        }

        if (value is not null && value.AsSpan().ContainsAny(ControlChars))
        {
            throw new InvalidHeaderException(
                $"Invalid control character(s) in header value of '{Escape(name)}': only HTAB and visible characters are allowed (RFC 9110).");
        }

        // Header values go on the wire as ISO-8859-1, as http.client writes them (requests fails on anything else too).
        if (value is not null && value.AsSpan().IndexOfAnyInRange('\u0100', '\uffff') >= 0)
        {
            throw new InvalidHeaderException(
                $"Header value of '{Escape(name)}' has characters ISO-8859-1 cannot encode: '{Escape(Redaction.RedactHeaderValue(name, value))}'");
        }
    }

    public static void ValidateAll(HeaderMap? headers)
    {
        if (headers is null)
        {
            return;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            var pair = headers.ItemAt(i);
            Validate(pair.Key, pair.Value);
        }
    }

    /// <summary>
    /// The last check before the wire, for headers added after preparation (auth schemes, cookies, a user's stage): a
    /// control character in a value, which .NET would send as it is (NUL included), is refused.
    /// </summary>
    public static void ValidateOnWire(HttpRequestMessage request)
    {
        ValidateValues(request.Headers);
        if (request.Content is not null)
        {
            ValidateValues(request.Content.Headers);
        }
    }

    private static void ValidateValues(HttpHeaders headers)
    {
        foreach (var header in headers.NonValidated)
        {
            foreach (var value in header.Value)
            {
                if (value.AsSpan().ContainsAny(ControlChars))
                {
                    throw new InvalidHeaderException(
                        $"Invalid control character(s) in header value of '{header.Key}', added after the request was prepared: only HTAB and visible characters are allowed (RFC 9110).");
                }
            }
        }
    }

    /// <summary>
    /// requests' <c>merge_setting</c> for headers: session order, the request's value and spelling win, and a
    /// <see langword="null"/> on either side removes the header.
    /// </summary>
    public static HeaderMap Merge(HeaderMap? request, HeaderMap? session)
    {
        var merged = session is null ? new HeaderMap() : new HeaderMap(session);
        if (request is not null)
        {
            for (var i = 0; i < request.Count; i++)
            {
                var pair = request.ItemAt(i);
                merged[pair.Key] = pair.Value;
            }
        }

        RemoveNulls(merged);
        return merged;
    }

    /// <summary>Writes headers onto a request message; content headers go to the content, Content-Length is left to the transport.</summary>
    /// <summary>The request headers of a message as a map, a repeated header's values joined with <c>", "</c>.</summary>
    public static HeaderMap FromMessage(HttpRequestHeaders headers)
    {
        var map = new HeaderMap();
        foreach (var header in headers.NonValidated)
        {
            map[header.Key] = header.Value.ToString();
        }

        return map;
    }

    public static void Apply(HttpRequestMessage message, HeaderMap headers, bool overwrite)
    {
        // A message without headers yet (the first hop of a session request) needs no look-up before each add.
        var fresh = message.Headers.NonValidated.Count == 0;
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers.ItemAt(i);
            if (value is null || (name.Length == 14 && IsContentLength(name)))
            {
                continue;
            }

            if (IsContentHeader(name))
            {
                message.Content ??= new ByteArrayContent([]);
                Set(message.Content.Headers, name, value, overwrite, fresh: false);
            }
            else
            {
                Set(message.Headers, name, value, overwrite, fresh);
            }
        }
    }

    private static void Set(HttpHeaders target, string name, string value, bool overwrite, bool fresh)
    {
        if (!IsToken(name))
        {
            throw new InvalidHeaderException($"Invalid header name: '{Escape(name)}' is not an HTTP token (RFC 9110).");
        }

        if (!fresh && target.NonValidated.Contains(name))
        {
            if (!overwrite)
            {
                return;
            }

            target.Remove(name);
        }

        if (!target.TryAddWithoutValidation(name, value))
        {
            throw new InvalidHeaderException($"Invalid header name: '{Escape(name)}' is not a valid HTTP header name.");
        }
    }

    /// <summary>Checks an HTTP method: RFC 9110 makes it a token, so a space, CR, LF or NUL could split the request line.</summary>
    /// <exception cref="ArgumentException">The method is null, empty or not a token.</exception>
    public static string ValidateMethod(string? method, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method, paramName);
        if (!IsToken(method))
        {
            throw new ArgumentException($"Invalid HTTP method '{Escape(method)}': a method is an HTTP token (RFC 9110), without spaces or control characters.", paramName);
        }

        return method;
    }

    // RFC 9110 tchar: one vectorized scan per name (a per-character lookup was the largest cost of header validation).
    private static bool IsToken(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(TokenChars);

    private static void RemoveNulls(HeaderMap map)
    {
        for (var i = map.Count - 1; i >= 0; i--)
        {
            var pair = map.ItemAt(i);
            if (pair.Value is null)
            {
                map.Remove(pair.Key);
            }
        }
    }

    private static string Escape(string s) =>
        (s.Length > 64 ? s[..64] + "…" : s).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
