using System.Text;

namespace Pipeline;

/// <summary>Keeps credentials out of logs, messages and ToString(): Authorization, Proxy-Authorization, Cookie, Set-Cookie and URL user information.</summary>
internal static class Redaction
{
    private const string Mask = "***";

    public static bool IsSensitive(string headerName) =>
        headerName.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || headerName.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || headerName.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || headerName.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);

    public static string RedactHeaderValue(string name, string value) => IsSensitive(name) ? Mask : value;

    public static string FormatHeaders(IEnumerable<KeyValuePair<string, string?>> headers)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            builder.Append(name).Append(": ").Append(value is null ? "(removed)" : RedactHeaderValue(name, value));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Replaces the user information of a URL with <c>***</c>. Only a URL with an authority (<c>scheme://</c>) has any:
    /// <c>mailto:user@host</c> is left as it is.
    /// </summary>
    public static string RedactUrl(string url) => url.Contains("://", StringComparison.Ordinal) ? RedactAuthority(url) : url;

    /// <summary>
    /// Replaces the user information of a proxy URL with <c>***</c>; a proxy URL without a scheme
    /// (<c>user:pass@proxy:3128</c>) is all authority, as requests' <c>prepend_scheme_if_needed</c> reads it.
    /// </summary>
    public static string RedactProxyUrl(string url) => RedactAuthority(url);

    private static string RedactAuthority(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        // "/path", "?q" or "#f" (a relative URL) has no authority, so no user information either.
        if (authorityEnd == authorityStart)
        {
            return url;
        }

        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0 ? url : string.Concat(url.AsSpan(0, authorityStart), Mask, url.AsSpan(at));
    }

    /// <summary>
    /// A URL for logs and telemetry: user information replaced by <c>***</c> and every query value by <c>*</c>
    /// (<c>?token=*&amp;page=*</c>), as .NET's own <c>url.full</c>; a fragment is dropped.
    /// </summary>
    public static string RedactForTelemetry(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (!uri.IsAbsoluteUri)
        {
            return uri.OriginalString;
        }

        var builder = new StringBuilder(uri.Scheme).Append("://");
        if (uri.UserInfo.Length > 0)
        {
            builder.Append(Mask).Append('@');
        }

        builder.Append(uri.Authority).Append(uri.AbsolutePath);
        var query = uri.Query;
        if (query.Length > 1)
        {
            var first = true;
            foreach (var pair in query.AsSpan(1).Split('&'))
            {
                var part = query.AsSpan(1)[pair];
                var equals = part.IndexOf('=');
                builder.Append(first ? '?' : '&').Append(equals < 0 ? part : part[..equals]);
                if (equals >= 0)
                {
                    builder.Append("=*");
                }

                first = false;
            }
        }

        return builder.ToString();
    }
}
