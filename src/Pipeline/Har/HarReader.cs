using System.Text;
using System.Text.Json;

namespace Pipeline;

/// <summary>Reads the entries of a HAR 1.2 file (ours, or a browser's, Fiddler's, Charles's) with <see cref="JsonDocument"/>.</summary>
internal static class HarReader
{
    /// <exception cref="InvalidDataException">The stream is not JSON, or not a HAR log.</exception>
    public static HarReplayEntry[] Read(Stream stream)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The HAR file is not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("log", out var log) || log.ValueKind != JsonValueKind.Object
                || !log.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("The HAR file has no log.entries array.");
            }

            var result = new List<HarReplayEntry>(entries.GetArrayLength());
            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                result.Add(ReadEntry(entry, index++));
            }

            return [.. result];
        }
    }

    private static HarReplayEntry ReadEntry(JsonElement entry, int index)
    {
        var where = $"log.entries[{index}]";
        var request = Object(entry, "request", where);
        var response = Object(entry, "response", where);
        var method = String(request, "method") ?? throw Missing(where + ".request.method");
        var url = String(request, "url") ?? throw Missing(where + ".request.url");

        byte[]? requestBody = null;
        string? requestMime = null;
        var requestTruncated = false;
        if (request.TryGetProperty("postData", out var postData) && postData.ValueKind == JsonValueKind.Object)
        {
            requestMime = String(postData, "mimeType");
            requestTruncated = postData.TryGetProperty("_truncated", out var truncated) && truncated.ValueKind == JsonValueKind.True;
            if (String(postData, "text") is { } text)
            {
                requestBody = String(postData, "_encoding") == "base64" ? Base64(text, where + ".request.postData.text") : Encoding.UTF8.GetBytes(text);
            }
            else if (postData.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Array)
            {
                var fields = new List<KeyValuePair<string, string>>();
                foreach (var parameter in parameters.EnumerateArray())
                {
                    fields.Add(new(String(parameter, "name") ?? string.Empty, String(parameter, "value") ?? string.Empty));
                }

                requestBody = Encoding.UTF8.GetBytes(OAuth2Rules.EncodeForm(fields));
            }
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (response.TryGetProperty("headers", out var headerArray) && headerArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var header in headerArray.EnumerateArray())
            {
                if (String(header, "name") is { Length: > 0 } name)
                {
                    headers.Add(new(name, String(header, "value") ?? string.Empty));
                }
            }
        }

        var body = Array.Empty<byte>();
        if (response.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object && String(content, "text") is { } responseText)
        {
            body = String(content, "encoding") == "base64"
                ? Base64(responseText, where + ".response.content.text")
                : CharsetOf(String(content, "mimeType")).GetBytes(responseText);
        }

        return new HarReplayEntry
        {
            Index = index,
            Method = method,
            Url = url,
            MatchUrl = HarMatchRules.NormalizeUrl(url),
            RequestBody = requestBody,
            RequestMimeType = requestMime,
            RequestBodyTruncated = requestTruncated,
            Status = response.TryGetProperty("status", out var status) && status.TryGetInt32(out var code) ? code : 0,
            StatusText = String(response, "statusText"),
            HttpVersion = String(response, "httpVersion"),
            ResponseHeaders = headers,
            ResponseBody = body,
            Error = String(entry, "_error"),
        };
    }

    // A browser writes a text body decoded with its charset; it goes back out in the same charset.
    private static Encoding CharsetOf(string? mimeType)
    {
        if (mimeType is not null && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(mimeType, out var media) && media.CharSet is { Length: > 0 } charset)
        {
            try
            {
                return Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
            }
        }

        return Encoding.UTF8;
    }

    private static JsonElement Object(JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : throw Missing(where + "." + name);

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Base64(string text, string where)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"The HAR file's {where} is marked base64 but is not.", ex);
        }
    }

    private static InvalidDataException Missing(string where) => new($"The HAR file has no {where}.");
}
