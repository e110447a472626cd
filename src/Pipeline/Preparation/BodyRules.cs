using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Pipeline;

/// <summary>Body preparation as requests' <c>prepare_body</c> and <c>prepare_content_length</c>.</summary>
internal static class BodyRules
{
    private static readonly MediaTypeHeaderValue FormType = new("application/x-www-form-urlencoded");

    /// <summary>Builds the body: JSON only when data is empty; files make multipart with data fields first; form data is urlencoded.</summary>
    /// <returns>The content (or <see langword="null"/> for none) and its bytes when they are known without reading a stream.</returns>
    public static PreparedBody Prepare(string method, RequestData? data, JsonBody? json, FileMap? files, JsonSerializerOptions jsonOptions)
    {
        if (data is not null && data.IsEmpty)
        {
            data = null;
        }

        if (files is { Count: > 0 })
        {
            return PrepareMultipart(data, files);
        }

        if (data is not null)
        {
            return PrepareData(data);
        }

        if (json is not null)
        {
            var bytes = SerializeJson(json, jsonOptions);
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new PreparedBody(content, bytes);
        }

        // requests sends Content-Length: 0 for a body-less request unless it is GET or HEAD.
        if (!string.Equals(method, "GET", StringComparison.Ordinal) && !string.Equals(method, "HEAD", StringComparison.Ordinal))
        {
            return new PreparedBody(new ByteArrayContent([]), []);
        }

        return PreparedBody.None;
    }

    // requests' prepare_body dumps with allow_nan=False and turns the ValueError (NaN, a cycle) into InvalidJSONError,
    // before anything is sent.
    private static byte[] SerializeJson(JsonBody json, JsonSerializerOptions options)
    {
        try
        {
            return json.Serialize(options);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or NotSupportedException)
        {
            throw new InvalidJsonException($"The JSON body cannot be serialized: {ex.Message}", ex);
        }
    }

    private static PreparedBody PrepareData(RequestData data)
    {
        if (data.Form is not null)
        {
            var bytes = Encoding.ASCII.GetBytes(UrlRules.EncodeForm(data.Form));
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = FormType;
            return new PreparedBody(content, bytes);
        }

        if (data.Text is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(data.Text);
            return new PreparedBody(new ByteArrayContent(bytes), bytes);
        }

        if (data.Bytes is not null)
        {
            return new PreparedBody(new ByteArrayContent(data.Bytes), data.Bytes);
        }

        if (data.Stream is not null)
        {
            // requests' prepare_body: Content-Length when super_len finds a length (what is left of a seekable stream),
            // else Transfer-Encoding: chunked, also for a stream with nothing left (super_len is 0, which is falsy).
            var stream = data.Stream;
            var chunked = !stream.CanSeek || stream.Length - stream.Position <= 0;
            return new PreparedBody(new StreamContent(stream), null) { Chunked = chunked };
        }

        return new PreparedBody(data.Content!, null);
    }

    private static PreparedBody PrepareMultipart(RequestData? data, FileMap files)
    {
        if (data is not null && data.Form is null)
        {
            throw new ArgumentException("Data must be form fields when files are sent (multipart/form-data takes fields, not a raw body).", nameof(data));
        }

        var boundary = Guid.NewGuid().ToString("N");

        // urllib3's encode_multipart_formdata: part headers in UTF-8 (a filename "résumé.pdf" stays UTF-8), and the
        // boundary unquoted in Content-Type (it is a token; .NET would quote it).
        var multipart = new MultipartContent("form-data", boundary) { HeaderEncodingSelector = static (_, _) => Encoding.UTF8 };
        multipart.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data")
        {
            Parameters = { new NameValueHeaderValue("boundary", boundary) },
        };
        var replayable = true;
        var streamsRewind = true;
        if (data?.Form is not null)
        {
            foreach (var (name, value) in data.Form)
            {
                if (value is null)
                {
                    continue;
                }

                var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
                part.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{QuoteParam(name)}\"");
                multipart.Add(part);
            }
        }

        foreach (var (field, file) in files)
        {
            HttpContent part = file.Bytes is not null ? new ByteArrayContent(file.Bytes) : new StreamContent(file.Stream!);
            replayable &= file.Bytes is not null;
            streamsRewind &= file.Stream is null or { CanSeek: true };
            part.Headers.TryAddWithoutValidation(
                "Content-Disposition", $"form-data; name=\"{QuoteParam(field)}\"; filename=\"{QuoteParam(file.FileName)}\"");
            if (file.ContentType is not null)
            {
                part.Headers.TryAddWithoutValidation("Content-Type", file.ContentType);
            }

            multipart.Add(part);
        }

        byte[]? body = null;
        if (replayable)
        {
            using var buffer = new MemoryStream();
            multipart.CopyTo(buffer, null, CancellationToken.None);
            body = buffer.ToArray();
        }

        // A body of seekable file streams is not buffered (it may be large); StreamContent rewinds each stream to where
        // it started when the multipart body is sent again (a digest retry, a 307), as requests re-sends its bytes.
        return new PreparedBody(multipart, body) { StreamsRewind = body is null && streamsRewind };
    }

    // urllib3's format_multipart_header_param: escape CR, LF and the double quote.
    private static string QuoteParam(string value) =>
        value.Replace("\n", "%0A", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\"", "%22", StringComparison.Ordinal);
}
