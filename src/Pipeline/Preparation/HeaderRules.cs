using System.Buffers;
using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>Header validation and merging as requests' <c>check_header_validity</c> and <c>merge_setting</c>.</summary>
internal static class HeaderRules
{
    // Headers .NET keeps on HttpContent rather than on the request.
    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
        "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified",
    };

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsContentHeader(string name) => ContentHeaders.Contains(name);

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
    public static void Apply(HttpRequestMessage message, HeaderMap headers, bool overwrite)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers.ItemAt(i);
            if (value is null || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (IsContentHeader(name))
            {
                message.Content ??= new ByteArrayContent([]);
                Set(message.Content.Headers, name, value, overwrite);
            }
            else
            {
                Set(message.Headers, name, value, overwrite);
            }
        }
    }

    private static void Set(HttpHeaders target, string name, string value, bool overwrite)
    {
        if (!IsToken(name))
        {
            throw new InvalidHeaderException($"Invalid header name: '{Escape(name)}' is not an HTTP token (RFC 9110).");
        }

        if (target.NonValidated.Contains(name))
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

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
