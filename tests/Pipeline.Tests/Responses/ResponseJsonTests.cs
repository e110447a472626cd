using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Responses;

/// <summary>
/// requests' <c>Response.json()</c>: the encoding from the headers, else <c>guess_json_utf</c> on the first four bytes,
/// else the text's detection; checked on a raw socket against the answers requests gives for the same bytes.
/// </summary>
public sealed class ResponseJsonTests
{
    private const string Document = "{\"a\": \"é☃\"}";

    public static TheoryData<string?, string> GuessedCases()
    {
        var data = new TheoryData<string?, string>();
        foreach (var contentType in new string?[] { null, "application/octet-stream" })
        {
            foreach (var encoding in new[] { "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be" })
            {
                data.Add(contentType, encoding);
            }
        }

        return data;
    }

    // Python's codec names: "utf-16" and "utf-32" write a little-endian BOM, "utf-8-sig" a UTF-8 BOM, the rest none.
    private static byte[] Encode(string text, string encoding) => encoding switch
    {
        "utf-8" => Encoding.UTF8.GetBytes(text),
        "utf-8-sig" => [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)],
        "utf-16" => [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(text)],
        "utf-16-le" => Encoding.Unicode.GetBytes(text),
        "utf-16-be" => Encoding.BigEndianUnicode.GetBytes(text),
        "utf-32" => [.. Encoding.UTF32.Preamble, .. Encoding.UTF32.GetBytes(text)],
        "utf-32-le" => Encoding.UTF32.GetBytes(text),
        _ => new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(text),
    };

    private static RawHttpServer Serve(byte[] body, string? contentType)
    {
        var head = $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n" + (contentType is null ? string.Empty : $"Content-Type: {contentType}\r\n") + "\r\n";
        return new RawHttpServer(head + Encoding.Latin1.GetString(body));
    }

    [Theory]
    [MemberData(nameof(GuessedCases))]
    public async Task Json_NoCharset_UtfIsGuessed_AsGuessJsonUtf(string? contentType, string encoding)
    {
        await using var raw = Serve(Encode(Document, encoding), contentType);
        using var session = new Session();
        using var response = await session.GetAsync(raw.BaseUrl + "/");

        var json = response.Json();
        var typed = response.Json<Dictionary<string, string>>();

        Assert.Null(response.Encoding);
        Assert.Equal("é☃", json.GetProperty("a").GetString());
        Assert.Equal("é☃", typed!["a"]);
    }

    [Theory]
    [InlineData("application/json", "utf-16-le")]
    [InlineData("application/json", "utf-32-be")]
    [InlineData("text/plain", "utf-16")]
    public async Task Json_HeadersNameAnEncoding_NoGuess_AsRequests(string contentType, string encoding)
    {
        // requests takes utf-8 for application/json and ISO-8859-1 for text/* from the headers and never guesses.
        await using var raw = Serve(Encode(Document, encoding), contentType);
        using var session = new Session();
        using var response = await session.GetAsync(raw.BaseUrl + "/");

        Assert.Throws<JsonDecodeException>(() => response.Json());
    }

    [Fact]
    public async Task Json_NoGuessFits_DecodesAsText_AsRequests()
    {
        // Three zero bytes out of place match no pattern (guess_json_utf returns None): the body is read as .text.
        await using var raw = Serve("\0{\0\0\"a\":1}"u8.ToArray(), null);
        using var session = new Session();
        using var response = await session.GetAsync(raw.BaseUrl + "/");

        var error = Assert.Throws<JsonDecodeException>(() => response.Json());

        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public async Task Json_GuessedUtf8ThatIsNot_FallsBackToTheTextEncoding()
    {
        // requests' json() catches the UnicodeDecodeError of its guess and decodes .text instead.
        await using var raw = Serve(Encoding.Latin1.GetBytes("{\"a\": \"café\"}"), null);
        using var session = new Session();
        using var response = await session.GetAsync(raw.BaseUrl + "/");

        var json = response.Json();

        Assert.Equal("café", json.GetProperty("a").GetString());
    }

    [Fact]
    public async Task Json_Utf16WithCharset_UsesTheCharset()
    {
        await using var raw = Serve(Encode(Document, "utf-16-be"), "application/json; charset=utf-16be");
        using var session = new Session();
        using var response = await session.GetAsync(raw.BaseUrl + "/");

        Assert.Equal("é☃", response.Json().GetProperty("a").GetString());
    }
}
