using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pipeline;

/// <summary>
/// Writes HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) with <see cref="Utf8JsonWriter"/>: every required
/// field, in the spec's order; fields the spec allows beyond it start with an underscore.
/// </summary>
internal static class HarWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the file next to its destination first and moves it into place, so a reader never sees half a file.</summary>
    public static async Task WriteFileAsync(string path, IReadOnlyList<HarEntry> entries, HarRecordingOptions options, CancellationToken cancellationToken = default)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await WriteAsync(file, entries, options, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static async Task WriteAsync(Stream stream, IReadOnlyList<HarEntry> entries, HarRecordingOptions options, CancellationToken cancellationToken = default)
    {
        var writer = new Utf8JsonWriter(stream, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("log");
            writer.WriteString("version", "1.2");
            writer.WriteStartObject("creator");
            writer.WriteString("name", "Pipeline");
            writer.WriteString("version", CreatorVersion());
            writer.WriteEndObject();
            writer.WriteStartArray("pages");
            writer.WriteEndArray();
            writer.WriteStartArray("entries");
            foreach (var entry in entries)
            {
                await WriteEntryAsync(writer, entry, options, cancellationToken).ConfigureAwait(false);
                if (writer.BytesPending > 32 * 1024)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteEntryAsync(Utf8JsonWriter writer, HarEntry entry, HarRecordingOptions options, CancellationToken cancellationToken)
    {
        var wait = entry.Wait.TotalMilliseconds;
        var receive = entry.HasResponse ? entry.Receive.TotalMilliseconds : 0;
        writer.WriteStartObject();
        writer.WriteString("startedDateTime", entry.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteNumber("time", Math.Round(wait + receive, 3));
        WriteRequest(writer, entry, options);
        await WriteResponseAsync(writer, entry, options, cancellationToken).ConfigureAwait(false);
        writer.WriteStartObject("cache");
        writer.WriteEndObject();
        writer.WriteStartObject("timings");
        writer.WriteNumber("blocked", -1);
        writer.WriteNumber("dns", -1);
        writer.WriteNumber("connect", -1);
        writer.WriteNumber("send", 0);
        writer.WriteNumber("wait", Math.Round(wait, 3));
        writer.WriteNumber("receive", Math.Round(receive, 3));
        writer.WriteNumber("ssl", -1);
        writer.WriteEndObject();
        if (entry.Error is not null)
        {
            writer.WriteString("_error", entry.Error);
        }

        writer.WriteEndObject();
    }

    private static void WriteRequest(Utf8JsonWriter writer, HarEntry entry, HarRecordingOptions options)
    {
        writer.WriteStartObject("request");
        writer.WriteString("method", entry.Method);
        writer.WriteString("url", HarRedaction.Url(options, entry.Url));
        writer.WriteString("httpVersion", HttpVersion(entry.ResponseVersion ?? entry.RequestVersion));
        writer.WriteStartArray("cookies");
        foreach (var (name, value) in entry.RequestHeaders)
        {
            if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                WriteRequestCookies(writer, value, HarRedaction.Hides(options, name));
            }
        }

        writer.WriteEndArray();
        WriteHeaders(writer, entry.RequestHeaders, options);
        WriteQueryString(writer, entry.Url);
        string? contentType = null;
        foreach (var (name, value) in entry.RequestHeaders)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        if (entry.RequestBody is { } body)
        {
            WritePostData(writer, entry, body, contentType ?? string.Empty, options);
        }

        writer.WriteNumber("headersSize", -1);
        writer.WriteNumber("bodySize", entry.RequestBody is null ? 0 : entry.RequestBodySize);
        writer.WriteEndObject();
    }

    private static void WritePostData(Utf8JsonWriter writer, HarEntry entry, byte[] body, string contentType, HarRecordingOptions options)
    {
        writer.WriteStartObject("postData");
        writer.WriteString("mimeType", contentType);
        var isForm = contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if (TryUtf8(body, out var text))
        {
            if (entry.IsTokenRequest && options.Redact && isForm)
            {
                text = HarRedaction.TokenRequestForm(text);
            }

            // Browsers write both for a form; readers take params for the fields and text for the exact body.
            if (isForm)
            {
                writer.WriteStartArray("params");
                foreach (var (name, value) in ParsePairs(text))
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    writer.WriteString("value", value);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteString("text", text);
        }
        else
        {
            // HAR 1.2 has no encoding for request bodies; a custom field says this one is base64.
            writer.WriteString("text", Convert.ToBase64String(body));
            writer.WriteString("_encoding", "base64");
        }

        if (entry.RequestBodyTruncated)
        {
            writer.WriteBoolean("_truncated", true);
            writer.WriteString("comment", $"Body truncated to its first {body.Length} of {entry.RequestBodySize} bytes.");
        }

        writer.WriteEndObject();
    }

    private static async Task WriteResponseAsync(Utf8JsonWriter writer, HarEntry entry, HarRecordingOptions options, CancellationToken cancellationToken)
    {
        writer.WriteStartObject("response");
        writer.WriteNumber("status", entry.HasResponse ? entry.Status : 0);
        writer.WriteString("statusText", entry.Reason);
        writer.WriteString("httpVersion", entry.ResponseVersion is { } version ? HttpVersion(version) : string.Empty);
        writer.WriteStartArray("cookies");
        foreach (var (name, value) in entry.ResponseHeaders)
        {
            if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                WriteResponseCookie(writer, value, HarRedaction.Hides(options, name));
            }
        }

        writer.WriteEndArray();
        WriteHeaders(writer, entry.ResponseHeaders, options);

        string? contentType = null;
        string location = string.Empty;
        foreach (var (name, value) in entry.ResponseHeaders)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else if (name.Equals("Location", StringComparison.OrdinalIgnoreCase))
            {
                location = value;
            }
        }

        var (content, decodedCompletely) = await DecodeAsync(entry, options.MaxBodySize, cancellationToken).ConfigureAwait(false);
        if (entry.IsTokenRequest && options.Redact && content.Length > 0 && HarRedaction.TokenResponseJson(content) is { } redacted)
        {
            content = redacted;
        }

        writer.WriteStartObject("content");
        writer.WriteNumber("size", content.Length);
        var whole = entry.ResponseBodyComplete && !entry.ResponseBodyTruncated && decodedCompletely;
        if (entry.Encodings is not null && whole)
        {
            writer.WriteNumber("compression", content.Length - entry.ResponseBodySize);
        }

        writer.WriteString("mimeType", contentType ?? "x-unknown");
        if (content.Length > 0)
        {
            if (TryUtf8(content, out var text))
            {
                writer.WriteString("text", text);
            }
            else
            {
                writer.WriteString("text", Convert.ToBase64String(content));
                writer.WriteString("encoding", "base64");
            }
        }

        if (entry.HasResponse && !whole)
        {
            writer.WriteBoolean("_truncated", true);
            writer.WriteString("comment", ContentComment(entry, content.Length, decodedCompletely));
        }

        writer.WriteEndObject();
        writer.WriteString("redirectURL", location);
        writer.WriteNumber("headersSize", -1);
        writer.WriteNumber("bodySize", entry.HasResponse ? entry.ResponseBodySize : -1);
        writer.WriteEndObject();
    }

    private static string ContentComment(HarEntry entry, int written, bool decodedCompletely)
    {
        if (entry.ResponseBodyTruncated)
        {
            return $"Body truncated: {written} bytes written of {entry.ResponseBodySize} received.";
        }

        if (!entry.ResponseBodyComplete)
        {
            return $"The body was not read to its end while recording; {entry.ResponseBodySize} bytes were read.";
        }

        return decodedCompletely ? "Body truncated." : "The body could not be decoded completely; what was decoded is written.";
    }

    /// <summary>The response body as the caller saw it: decoded when it was sent compressed, at most <paramref name="cap"/> bytes.</summary>
    private static async Task<(byte[] Content, bool Complete)> DecodeAsync(HarEntry entry, int cap, CancellationToken cancellationToken)
    {
        var raw = entry.ResponseBody;
        if (entry.Encodings is null || raw.Length == 0)
        {
            return (raw.Length <= cap ? raw : raw[..cap], true);
        }

        using var decoding = new DecodingContent(new ByteArrayContent(raw), entry.Encodings);
        using var decoded = new MemoryStream();
        var complete = true;
        try
        {
            var stream = await decoding.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[16 * 1024];
                int read;
                while (decoded.Length < cap && (read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await decoded.WriteAsync(buffer.AsMemory(0, (int)Math.Min(read, cap - decoded.Length)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // A body cut short by the size cap (or by the caller) ends in the middle of a compressed block.
            complete = false;
        }

        return (decoded.ToArray(), complete);
    }

    private static void WriteHeaders(Utf8JsonWriter writer, IReadOnlyList<KeyValuePair<string, string>> headers, HarRecordingOptions options)
    {
        writer.WriteStartArray("headers");
        foreach (var (name, value) in headers)
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("value", HarRedaction.HeaderValue(options, name, value));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteQueryString(Utf8JsonWriter writer, string url)
    {
        writer.WriteStartArray("queryString");
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0 && question < url.Length - 1)
        {
            foreach (var (name, value) in ParsePairs(url[(question + 1)..]))
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteRequestCookies(Utf8JsonWriter writer, string header, bool redact)
    {
        foreach (var pair in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            writer.WriteStartObject();
            writer.WriteString("name", equals < 0 ? string.Empty : pair[..equals]);
            writer.WriteString("value", redact ? HarRedaction.Mask : equals < 0 ? pair : pair[(equals + 1)..]);
            writer.WriteEndObject();
        }
    }

    private static void WriteResponseCookie(Utf8JsonWriter writer, string header, bool redact)
    {
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var equals = parts[0].IndexOf('=', StringComparison.Ordinal);
        writer.WriteStartObject();
        writer.WriteString("name", equals < 0 ? string.Empty : parts[0][..equals]);
        writer.WriteString("value", redact ? HarRedaction.Mask : equals < 0 ? parts[0] : parts[0][(equals + 1)..]);
        foreach (var attribute in parts.AsSpan(1))
        {
            var split = attribute.IndexOf('=', StringComparison.Ordinal);
            var name = split < 0 ? attribute : attribute[..split];
            var value = split < 0 ? string.Empty : attribute[(split + 1)..];
            if (name.Equals("Path", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteString("path", value);
            }
            else if (name.Equals("Domain", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteString("domain", value);
            }
            else if (name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
            {
                writer.WriteString("expires", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            }
            else if (name.Equals("HttpOnly", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteBoolean("httpOnly", true);
            }
            else if (name.Equals("Secure", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteBoolean("secure", true);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Splits <c>a=1&amp;b=2</c> into decoded pairs ('+' is a space, as forms and query strings write it).</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ParsePairs(string text)
    {
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            yield return new(Unescape(name), Unescape(value));
        }
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    // Text when the bytes are UTF-8 without NUL (a HAR reader shows it as is), base64 otherwise.
    private static bool TryUtf8(byte[] bytes, out string text)
    {
        text = string.Empty;
        if (bytes.AsSpan().IndexOf((byte)0) >= 0)
        {
            return false;
        }

        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string HttpVersion(Version version) => version.Major >= 2 ? "HTTP/" + version.Major.ToString(CultureInfo.InvariantCulture) : "HTTP/" + version.ToString(2);

    private static string CreatorVersion()
    {
        var informational = typeof(HarWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
