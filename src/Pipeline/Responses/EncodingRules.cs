using System.Globalization;
using System.Text;

namespace Pipeline;

/// <summary>Response text decoding as requests' <c>get_encoding_from_headers</c>, <c>apparent_encoding</c> and <c>guess_json_utf</c>.</summary>
internal static class EncodingRules
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The charset parameter (quotes stripped); else ISO-8859-1 for <c>text/*</c>, UTF-8 for <c>application/json</c>; else null.</summary>
    public static Encoding? GetEncodingFromHeaders(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        var parts = contentType.Split(';');
        var mediaType = parts[0].Trim();
        for (var i = 1; i < parts.Length; i++)
        {
            var parameter = parts[i].Trim();
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                // requests strips spaces and both kinds of quotes together: charset=" iso-8859-2 " names ISO-8859-2.
                var charset = parameter[(equals + 1)..].Trim(' ', '\t', '\'', '"');
                return Lookup(charset) ?? Encoding.UTF8;
            }
        }

        // requests' get_encoding_from_headers tests substrings, case-sensitively: "text" anywhere (so TEXT/HTML has no
        // encoding, and application/vnd.oasis.opendocument.text is ISO-8859-1), then "application/json".
        if (mediaType.Contains("text", StringComparison.Ordinal))
        {
            return Encoding.Latin1;
        }

        return mediaType.Contains("application/json", StringComparison.Ordinal) ? Encoding.UTF8 : null;
    }

    /// <summary>Detects an encoding from the bytes: a BOM, else valid UTF-8, else Windows-1252.</summary>
    public static Encoding DetectEncoding(ReadOnlySpan<byte> content)
    {
        var bom = FromBom(content);
        if (bom is not null)
        {
            return bom;
        }

        try
        {
            StrictUtf8.GetCharCount(content);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            return Lookup("windows-1252") ?? Encoding.Latin1;
        }
    }

    /// <summary>
    /// requests' <c>guess_json_utf</c>: a BOM (UTF-32 before UTF-8 before UTF-16, as requests tests them), else the
    /// pattern of zero bytes in the first four (JSON starts with two ASCII characters); null where requests returns None.
    /// </summary>
    public static Encoding? GuessJsonUtf(ReadOnlySpan<byte> content)
    {
        var bom = FromBom(content);
        if (bom is not null)
        {
            return bom;
        }

        if (content.Length < 4)
        {
            return null;
        }

        var nulls = 0;
        for (var i = 0; i < 4; i++)
        {
            nulls += content[i] == 0 ? 1 : 0;
        }

        return nulls switch
        {
            0 => Encoding.UTF8,
            2 when content[0] == 0 && content[2] == 0 => Encoding.BigEndianUnicode,
            2 when content[1] == 0 && content[3] == 0 => Encoding.Unicode,
            3 when content[0] == 0 && content[1] == 0 && content[2] == 0 => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
            3 when content[1] == 0 && content[2] == 0 && content[3] == 0 => Encoding.UTF32,
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="content"/> decodes with <paramref name="encoding"/> without an invalid sequence (Python's strict codecs).</summary>
    public static bool Decodes(ReadOnlySpan<byte> content, Encoding encoding)
    {
        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            return System.Text.Unicode.Utf8.IsValid(content);
        }

        try
        {
            var strict = (Encoding)encoding.Clone();
            strict.DecoderFallback = DecoderFallback.ExceptionFallback;
            strict.GetCharCount(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Looks a charset up by name, code pages and Python's codec spellings included; null when unknown.</summary>
    public static Encoding? Lookup(string name) => LookupExact(name) ?? LookupPythonAlias(name);

    private static Encoding? LookupExact(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return System.Text.CodePagesEncodingProvider.Instance.GetEncoding(name);
        }
    }

    // requests decodes with Python's codecs, which also accept "utf8", "utf_8", "cp1251", "iso8859_2" and "latin_1";
    // servers do send those, so they map to the .NET names rather than falling back to UTF-8.
    private static Encoding? LookupPythonAlias(string name)
    {
        var normalized = name.Trim().ToLowerInvariant().Replace('_', '-');
        if (normalized is "utf8" or "u8")
        {
            return Encoding.UTF8;
        }

        if (normalized.StartsWith("cp", StringComparison.Ordinal)
            && int.TryParse(normalized.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var codePage))
        {
            return LookupCodePage(codePage);
        }

        if (normalized.StartsWith("iso8859", StringComparison.Ordinal))
        {
            normalized = "iso-8859-" + normalized["iso8859".Length..].TrimStart('-');
        }
        else if (normalized.StartsWith("latin-", StringComparison.Ordinal))
        {
            normalized = "latin" + normalized["latin-".Length..];
        }

        return normalized == name ? null : LookupExact(normalized);
    }

    private static Encoding? LookupCodePage(int codePage)
    {
        try
        {
            return Encoding.GetEncoding(codePage);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return System.Text.CodePagesEncodingProvider.Instance.GetEncoding(codePage);
        }
    }

    /// <summary>Length of the byte order mark <paramref name="encoding"/> would have written at the start, when present.</summary>
    public static int PreambleLength(ReadOnlySpan<byte> content, Encoding encoding)
    {
        var preamble = encoding.Preamble;
        return preamble.Length > 0 && content.StartsWith(preamble) ? preamble.Length : 0;
    }

    private static Encoding? FromBom(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]))
        {
            return Encoding.UTF32;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
        {
            return new UTF32Encoding(bigEndian: true, byteOrderMark: true);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode;
        }

        return content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode : null;
    }
}
