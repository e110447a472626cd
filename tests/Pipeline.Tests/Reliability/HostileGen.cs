using CsCheck;

namespace Pipeline.Tests.Reliability;

/// <summary>Generators of hostile input: text rich in CR, LF, NUL, delimiters, percent signs and non-ASCII.</summary>
internal static class HostileGen
{
    /// <summary>A character: mostly letters, often a delimiter or control character, sometimes any UTF-16 unit.</summary>
    public static readonly Gen<char> Char = Gen.Frequency(
        (8, Gen.Char['a', 'z']),
        (2, Gen.Char['0', '9']),
        (4, Gen.OneOf('\r', '\n', '\0', '\t', ' ', '\x0b', '\x7f')),
        (4, Gen.OneOf('%', '#', '?', '/', '@', ':', ';', '=', ',', '&', '[', ']', '\\', '"', '.', '-', '+', '$')),
        (2, Gen.OneOf('é', 'ß', '☃', 'Ω', '\u0085', '\u2028', '\ufeff', '\ufffd', '\ud83d', '\ude00')),
        (1, Gen.Char));

    public static readonly Gen<string> Host = Gen.Frequency(
        (4, Gen.OneOf("example.test", "127.0.0.1", "[::1]", "xn--n3h.test", "☃.test", "a..b", "", "ex ample.test", "[::1", "256.1.1.1", "EXAMPLE.TEST.")),
        (3, Text(1, 12)));

    public static readonly Gen<string> Url = Gen.Select(
        Gen.OneOf("http://", "https://", "HTTP://", "ftp://", "", "//", "http:", "http:///", "mailto:", "http:\\\\"),
        Gen.Frequency((4, Gen.Const("")), (1, Text(0, 6).Select(u => u + "@"))),
        Host,
        Gen.OneOf("", ":80", ":0", ":65536", ":-1", ":abc", ":8080", ":"),
        Text(0, 16).Select(p => "/" + p),
        Gen.Frequency((2, Gen.Const("")), (1, Text(0, 10).Select(q => "?" + q))),
        Gen.Frequency((3, Gen.Const("")), (1, Text(0, 6).Select(f => "#" + f))),
        (scheme, user, host, port, path, query, fragment) => scheme + user + host + port + path + query + fragment);

    public static readonly Gen<QueryParams> Params =
        Gen.Select(Text(0, 6), Gen.Frequency((5, Text(0, 8).Select(v => (string?)v)), (1, Gen.Const((string?)null))))
            .Array[0, 4]
            .Select(pairs =>
            {
                var parameters = new QueryParams();
                foreach (var (key, value) in pairs)
                {
                    parameters.Add(key, value);
                }

                return parameters;
            });

    public static readonly Gen<string> HeaderName = Gen.Frequency(
        (3, Gen.OneOf("X-Test", "Accept", "Content-Type", "Host", "Cookie", "Authorization", "Content-Length", "Transfer-Encoding", "User-Agent")),
        (2, Text(0, 10)));

    public static readonly Gen<HeaderMap> Headers =
        Gen.Select(HeaderName, Gen.Frequency((6, Text(0, 16).Select(v => (string?)v)), (1, Gen.Const((string?)null))))
            .Array[0, 3]
            .Select(pairs =>
            {
                var headers = new HeaderMap();
                foreach (var (name, value) in pairs)
                {
                    headers[name] = value;
                }

                return headers;
            });

    /// <summary>A Set-Cookie value: a name=value pair (or not), then attributes with hostile values.</summary>
    public static readonly Gen<string> SetCookie = Gen.Select(
        Gen.Frequency((4, Text(0, 6).Select(n => n + "=")), (1, Text(0, 6))),
        Text(0, 12),
        Gen.Select(
            Gen.OneOf("Domain", "Path", "Expires", "Max-Age", "Secure", "HttpOnly", "SameSite", "domain", " Path ", "Version", ""),
            Gen.Frequency(
                (3, Text(0, 12)),
                (2, Gen.OneOf("example.test", ".example.test", "test", "127.0.0.1", "co.uk", "/", "/a/b", "0", "-1", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "Lax"))),
            (key, value) => "; " + key + "=" + value).Array[0, 4],
        (pair, value, attributes) => pair + value + string.Concat(attributes));

    /// <summary>A Location value: absolute, scheme-relative, relative, or none of these.</summary>
    public static readonly Gen<string> Location = Gen.Frequency(
        (3, Url),
        (2, Text(0, 16).Select(p => "/" + p)),
        (1, Text(0, 12).Select(p => "//" + p)),
        (2, Text(0, 16)),
        (1, Gen.OneOf("http://example.test/%", "http://[", "http://user:pass@other.test/", "https://other.test:99999/", "javascript:alert(1)", "data:,x", "\r\nX-Injected: 1", "/a\r\nSet-Cookie: x=1", "#frag", "?q=1", "..", "http://example.test\u0000.evil/")));

    public static Gen<string> Text(int min, int max) => Char.Array[min, max].Select(chars => new string(chars));
}
