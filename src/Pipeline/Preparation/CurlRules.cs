using System.Text;
using System.Text.Unicode;

namespace Pipeline;

/// <summary>
/// Writes a prepared request as the curl command that sends the same bytes (<see cref="PreparedRequest.ToCurl()"/>), for
/// POSIX shells: every argument single-quoted, and bytes a quoted argument cannot carry written with <c>printf</c>.
/// </summary>
internal static class CurlRules
{
    private const string Mask = "***";

    // curl adds these when the command does not name them; an empty "-H 'Name:'" keeps them out.
    private static readonly string[] CurlDefaults = ["User-Agent", "Accept"];

    public static string ToCurl(PreparedRequest request, bool redactSecrets)
    {
        var streamed = request.Body is null && request.Content is not null;
        var bytes = request.Body is { Length: > 0 } body ? body : null;
        var builder = new StringBuilder();
        if (streamed)
        {
            builder.Append("# The body is a stream Pipeline has not read: pipe its bytes into this command.\n");
        }
        else if (bytes is not null && !IsQuotableText(bytes))
        {
            // NUL cannot be passed in an argument, and CR or invalid UTF-8 does not survive a terminal: printf writes them.
            builder.Append(Printf(bytes)).Append(" | ");
        }

        var url = WireUrl(request.Url);
        builder.Append("curl ").Append(Quote(url));
        if (url.AsSpan().IndexOfAny("[]{}") >= 0)
        {
            // curl would read brackets and braces as a glob pattern (an IPv6 literal has brackets).
            builder.Append(" \\\n  --globoff");
        }

        if (VersionFlag(request.Version, request.VersionPolicy, url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } flag)
        {
            builder.Append(" \\\n  ").Append(flag);
        }

        var hasData = bytes is not null || streamed;
        if (request.Method == "HEAD")
        {
            builder.Append(" \\\n  --head");
        }
        else if (request.Method != (hasData ? "POST" : "GET"))
        {
            builder.Append(" \\\n  -X ").Append(Quote(request.Method));
        }

        foreach (var (name, value) in request.Headers)
        {
            if (value is not null)
            {
                builder.Append(" \\\n  -H ").Append(HeaderArgument(name, redactSecrets ? Redact(name, value) : value));
            }
        }

        foreach (var name in CurlDefaults)
        {
            if (!request.Headers.ContainsKey(name))
            {
                builder.Append(" \\\n  -H ").Append(Quote(name + ":"));
            }
        }

        if (hasData)
        {
            // With data curl adds a form Content-Type and, for a large body, "Expect: 100-continue"; Pipeline sends neither.
            if (!request.Headers.ContainsKey("Content-Type"))
            {
                builder.Append(" \\\n  -H 'Content-Type:'");
            }

            if (!request.Headers.ContainsKey("Expect"))
            {
                builder.Append(" \\\n  -H 'Expect:'");
            }

            builder.Append(" \\\n  ").Append(DataArgument(bytes));
        }

        return builder.ToString();
    }

    /// <summary>
    /// The curl flag that asks for what HttpClient asks for: over https it offers HTTP/2 with ALPN unless the policy keeps
    /// to HTTP/1.1, over plain http it speaks HTTP/2 only with prior knowledge (never the Upgrade that <c>--http2</c>
    /// sends there). Null where curl's default already matches (HTTP/1.1 over http).
    /// </summary>
    public static string? VersionFlag(Version version, HttpVersionPolicy policy, bool https) => (version.Major, version.Minor) switch
    {
        (1, 0) => "--http1.0",
        (1, _) when https => policy == HttpVersionPolicy.RequestVersionOrHigher ? "--http2" : "--http1.1",
        (1, _) => null,
        (2, _) when https => policy == HttpVersionPolicy.RequestVersionOrLower ? "--http2" : "--http2-prior-knowledge",
        (2, _) => policy == HttpVersionPolicy.RequestVersionOrLower ? null : "--http2-prior-knowledge",
        (3, _) when https => policy == HttpVersionPolicy.RequestVersionExact ? "--http3-only" : "--http3",
        _ => null,
    };

    /// <summary>Quotes for POSIX shells: inside single quotes nothing is special, and a quote itself is <c>'\''</c>.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// A <c>printf</c> format that writes exactly <paramref name="bytes"/>: printable ASCII as itself, <c>%</c> and the
    /// backslash doubled, CR, LF and tab by name, every other byte as a three-digit octal escape (POSIX printf).
    /// </summary>
    public static string PrintfFormat(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            _ = b switch
            {
                (byte)'%' => builder.Append("%%"),
                (byte)'\\' => builder.Append("\\\\"),
                (byte)'\n' => builder.Append("\\n"),
                (byte)'\r' => builder.Append("\\r"),
                (byte)'\t' => builder.Append("\\t"),
                >= 0x20 and < 0x7F => builder.Append((char)b),
                _ => builder.Append('\\').Append((char)('0' + (b >> 6))).Append((char)('0' + ((b >> 3) & 7))).Append((char)('0' + (b & 7))),
            };
        }

        return builder.ToString();
    }

    /// <summary>The printf command that writes <paramref name="bytes"/>; a format starting with '-' (a multipart boundary) follows <c>--</c>, so it is not read as an option.</summary>
    public static string Printf(ReadOnlySpan<byte> bytes)
    {
        var format = PrintfFormat(bytes);
        return (format.StartsWith('-') ? "printf -- " : "printf ") + Quote(format);
    }

    /// <summary>Credentials replaced by <c>***</c>: the scheme of Authorization stays, and the names of cookies.</summary>
    public static string Redact(string name, string value)
    {
        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 ? string.Concat(value.AsSpan(0, space + 1), Mask) : Mask;
        }

        if (!name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        var builder = new StringBuilder();
        foreach (var pair in value.Split(';'))
        {
            var trimmed = pair.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            builder.Append(builder.Length == 0 ? string.Empty : "; ").Append(equals < 0 ? Mask : trimmed[..(equals + 1)] + Mask);
        }

        return builder.ToString();
    }

    // What HttpClient puts on the request line and in Host: no user information (it sends none) and no fragment.
    private static string WireUrl(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);
        }

        return Redaction.RedactUrl(url);
    }

    // An empty value needs curl's "Name;" form: "Name:" would remove the header. Header values are ISO-8859-1 on the wire,
    // so a value beyond ASCII is written with printf, whose octal escapes give the one byte each character is.
    private static string HeaderArgument(string name, string value)
    {
        if (value.Length == 0)
        {
            return Quote(name + ";");
        }

        var line = name + ": " + value;
        foreach (var c in line)
        {
            if (c is < ' ' or > '~')
            {
                return "\"$(" + Printf(Encoding.Latin1.GetBytes(line)) + ")\"";
            }
        }

        return Quote(line);
    }

    // --data-binary reads a file for "@name": a body that starts with '@' goes as --data-raw, which takes it as it is.
    private static string DataArgument(byte[]? bytes)
    {
        if (bytes is null || !IsQuotableText(bytes))
        {
            return "--data-binary @-";
        }

        var text = Encoding.UTF8.GetString(bytes);
        return (text.StartsWith('@') ? "--data-raw " : "--data-binary ") + Quote(text);
    }

    /// <summary>UTF-8 text without control characters other than tab and LF: it can be pasted inside single quotes as it is.</summary>
    private static bool IsQuotableText(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x20 and not (byte)'\t' and not (byte)'\n' or 0x7F)
            {
                return false;
            }
        }

        return Utf8.IsValid(bytes);
    }
}
