using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Preparation;

// requests' prepare_body and prepare_content_length; expected bodies come from requests 2.34.
public sealed class BodyRulesTests
{
    private static readonly JsonSerializerOptions JsonOptions = SessionSettings.CreateDefaultJsonOptions();

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Prepare_NoBodyNotGetOrHead_SendsContentLengthZero(string method)
    {
        var body = BodyRules.Prepare(method, null, null, null, JsonOptions);

        Assert.NotNull(body.Content);
        Assert.Equal(0, body.Content.Headers.ContentLength);
        Assert.Empty(await body.Content.ReadAsByteArrayAsync());
        Assert.Empty(body.Bytes!);
        Assert.Null(body.Content.Headers.ContentType);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public void Prepare_NoBodyGetOrHead_HasNoContent(string method)
    {
        var body = BodyRules.Prepare(method, null, null, null, JsonOptions);

        Assert.Null(body.Content);
        Assert.Null(body.Bytes);
    }

    [Fact]
    public void Prepare_EmptyTextOnPost_IsNoBodyWithContentLengthZero()
    {
        var body = BodyRules.Prepare("POST", RequestData.FromString(string.Empty), null, null, JsonOptions);

        Assert.Equal(0, body.Content!.Headers.ContentLength);
    }

    [Fact]
    public void Prepare_EmptyDataOnGet_HasNoContent()
    {
        var body = BodyRules.Prepare("GET", RequestData.FromByteArray([]), null, null, JsonOptions);

        Assert.Null(body.Content);
    }

    [Fact]
    public async Task Prepare_Form_IsUrlencodedWithFormContentTypeAndLength()
    {
        var data = RequestData.FromForm([new("a", "1"), new("b", "x y")]);

        var body = BodyRules.Prepare("POST", data, null, null, JsonOptions);

        Assert.Equal("a=1&b=x+y", await body.Content!.ReadAsStringAsync());
        Assert.Equal("a=1&b=x+y"u8.ToArray(), body.Bytes);
        Assert.Equal("application/x-www-form-urlencoded", body.Content.Headers.ContentType?.ToString());
        Assert.Equal(9, body.Content.Headers.ContentLength);
    }

    [Fact]
    public void Prepare_FormWithRepeatedKeysAndNull_RepeatsKeysAndDropsNull()
    {
        var data = RequestData.FromForm([new("a", "1"), new("a", "2"), new("n", null)]);

        var body = BodyRules.Prepare("POST", data, null, null, JsonOptions);

        Assert.Equal("a=1&a=2", Encoding.ASCII.GetString(body.Bytes!));
        Assert.Equal(7, body.Content!.Headers.ContentLength);
    }

    [Fact]
    public void Prepare_FormWithUnicode_IsUtf8PercentEncoded()
    {
        var body = BodyRules.Prepare("POST", new Dictionary<string, string> { ["k"] = "ü" }, null, null, JsonOptions);

        Assert.Equal("k=%C3%BC", Encoding.ASCII.GetString(body.Bytes!));
        Assert.Equal(8, body.Content!.Headers.ContentLength);
    }

    [Fact]
    public async Task Prepare_EmptyFormAndJson_SendsJson()
    {
        // Acceptance check 5: json is used only when data is falsy.
        var body = BodyRules.Prepare("POST", new Dictionary<string, string>(), JsonBody.FromObject(new { j = 1 }), null, JsonOptions);

        Assert.Equal("""{"j":1}""", await body.Content!.ReadAsStringAsync());
        Assert.Equal("application/json", body.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public void Prepare_FormAndJson_SendsFormAndIgnoresJson()
    {
        var body = BodyRules.Prepare("POST", new Dictionary<string, string> { ["a"] = "1" }, JsonBody.FromObject(new { j = 1 }), null, JsonOptions);

        Assert.Equal("a=1", Encoding.ASCII.GetString(body.Bytes!));
        Assert.Equal("application/x-www-form-urlencoded", body.Content!.Headers.ContentType?.ToString());
    }

    [Fact]
    public void Prepare_Json_IsSerializedWithTheGivenOptionsAndLengthCounted()
    {
        var body = BodyRules.Prepare("POST", null, JsonBody.FromObject(new { FirstName = "a" }), null, JsonOptions);

        Assert.Equal("""{"firstName":"a"}""", Encoding.UTF8.GetString(body.Bytes!));
        Assert.Equal(body.Bytes!.Length, body.Content!.Headers.ContentLength);
    }

    [Fact]
    public void Prepare_JsonWithNonAscii_IsEscapedAsRequestsDumps()
    {
        var body = BodyRules.Prepare("POST", null, JsonBody.FromObject(new { j = "ü" }), null, new JsonSerializerOptions());

        Assert.All(body.Bytes!, b => Assert.True(b < 0x80));
        Assert.Equal("ü", JsonDocument.Parse(body.Bytes).RootElement.GetProperty("j").GetString());
    }

    [Fact]
    public void Prepare_JsonOnGet_IsStillSent()
    {
        var body = BodyRules.Prepare("GET", null, JsonBody.FromObject(new { j = 1 }), null, JsonOptions);

        Assert.Equal("""{"j":1}""", Encoding.UTF8.GetString(body.Bytes!));
    }

    [Fact]
    public async Task Prepare_Text_IsUtf8WithNoContentTypeAndUtf8Length()
    {
        var body = BodyRules.Prepare("POST", "héllo", null, null, JsonOptions);

        Assert.Equal("héllo"u8.ToArray(), await body.Content!.ReadAsByteArrayAsync());
        Assert.Equal(6, body.Content.Headers.ContentLength);
        Assert.Null(body.Content.Headers.ContentType);
    }

    [Fact]
    public void Prepare_TextOnGet_IsSent()
    {
        var body = BodyRules.Prepare("GET", "x", null, null, JsonOptions);

        Assert.Equal(1, body.Content!.Headers.ContentLength);
    }

    [Fact]
    public async Task Prepare_Bytes_AreSentAsIsWithNoContentType()
    {
        byte[] raw = [0, 1, 2, 0xFF];

        var body = BodyRules.Prepare("PUT", raw, null, null, JsonOptions);

        Assert.Equal(raw, await body.Content!.ReadAsByteArrayAsync());
        Assert.Same(raw, body.Bytes);
        Assert.Equal(4, body.Content.Headers.ContentLength);
        Assert.Null(body.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Prepare_SeekableStream_LengthIsWhatRemainsAndBytesUnknown()
    {
        using var stream = new MemoryStream("abcde"u8.ToArray());
        stream.Position = 2;

        var body = BodyRules.Prepare("POST", stream, null, null, JsonOptions);

        Assert.Null(body.Bytes);
        Assert.Equal(3, body.Content!.Headers.ContentLength);
        Assert.Equal("cde", await body.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Prepare_NonSeekableStream_HasNoLengthSoItIsChunked()
    {
        using var stream = new NonSeekableStream("abc"u8.ToArray());

        var body = BodyRules.Prepare("POST", stream, null, null, JsonOptions);

        Assert.Null(body.Content!.Headers.ContentLength);
        Assert.Null(body.Bytes);
    }

    [Fact]
    public void Prepare_HttpContent_IsPassedThrough()
    {
        using var content = new StringContent("x");

        var body = BodyRules.Prepare("POST", content, null, null, JsonOptions);

        Assert.Same(content, body.Content);
        Assert.Null(body.Bytes);
    }

    [Fact]
    public async Task Prepare_FilesAndForm_MultipartWithDataFieldsFirst()
    {
        var files = new FileMap { ["f"] = new FileItem("a.txt", "hello"u8.ToArray(), "text/plain") };
        var data = RequestData.FromForm([new("d", "v"), new("n", null)]);

        var body = BodyRules.Prepare("POST", data, null, files, JsonOptions);

        var contentType = body.Content!.Headers.ContentType!;
        Assert.Equal("multipart/form-data", contentType.MediaType);
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var text = Encoding.UTF8.GetString(body.Bytes!);
        var expected =
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\nv\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
            $"--{boundary}--\r\n";
        Assert.Equal(expected, text);
        Assert.Equal(body.Bytes!.Length, body.Content.Headers.ContentLength);
        Assert.Equal(body.Bytes, await body.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void Prepare_FileWithoutContentType_PartHasNoContentType()
    {
        var files = new FileMap { ["f"] = new FileItem("a.bin", [1]) };

        var body = BodyRules.Prepare("POST", null, null, files, JsonOptions);

        var text = Encoding.Latin1.GetString(body.Bytes!);
        Assert.Contains("Content-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n\u0001\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_NonAsciiNames_AreUtf8_AndTheBoundaryIsUnquoted_AsUrllib3()
    {
        // requests 2.34 sends filename="r\xc3\xa9sum\xc3\xa9 \xe6\x97\xa5.txt" and "boundary=<hex>" without quotes.
        var files = new FileMap { ["fé"] = new FileItem("résumé 日.txt", [1]) };

        var body = BodyRules.Prepare("POST", null, null, files, JsonOptions);

        var text = Encoding.UTF8.GetString(body.Bytes!);
        Assert.Contains("Content-Disposition: form-data; name=\"fé\"; filename=\"résumé 日.txt\"\r\n", text, StringComparison.Ordinal);
        var contentType = body.Content!.Headers.GetValues("Content-Type").Single();
        Assert.Matches("^multipart/form-data; boundary=[0-9a-f]{32}$", contentType);
    }

    [Fact]
    public void Prepare_FileNameWithQuoteAndLineBreak_IsEscapedAsUrllib3()
    {
        var files = new FileMap { ["f\"x"] = new FileItem("a\"b\r\n.txt", [1]) };

        var body = BodyRules.Prepare("POST", null, null, files, JsonOptions);

        var text = Encoding.Latin1.GetString(body.Bytes!);
        Assert.Contains("name=\"f%22x\"; filename=\"a%22b%0D%0A.txt\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_FilesAndJson_SendsMultipartAndIgnoresJson()
    {
        var files = new FileMap { ["f"] = new FileItem("a.txt", "x"u8.ToArray()) };

        var body = BodyRules.Prepare("POST", null, JsonBody.FromObject(new { j = 1 }), files, JsonOptions);

        Assert.Equal("multipart/form-data", body.Content!.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("\"j\"", Encoding.UTF8.GetString(body.Bytes!), StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_FileFromStream_BodyBytesUnknown()
    {
        using var stream = new MemoryStream("hello"u8.ToArray());
        var files = new FileMap { ["f"] = new FileItem("a.txt", stream) };

        var body = BodyRules.Prepare("POST", null, null, files, JsonOptions);

        Assert.Null(body.Bytes);
        Assert.Equal("multipart/form-data", body.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Prepare_FilesWithRawTextData_ThrowsArgument()
    {
        var files = new FileMap { ["f"] = new FileItem("a.txt", [1]) };

        Assert.Throws<ArgumentException>(() => BodyRules.Prepare("POST", "raw", null, files, JsonOptions));
    }

    [Fact]
    public void Prepare_TwoMultipartBodies_UseDifferentBoundaries()
    {
        var files = new FileMap { ["f"] = new FileItem("a.txt", [1]) };

        var first = BodyRules.Prepare("POST", null, null, files, JsonOptions);
        var second = BodyRules.Prepare("POST", null, null, files, JsonOptions);

        Assert.NotEqual(first.Content!.Headers.ContentType!.ToString(), second.Content!.Headers.ContentType!.ToString());
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Prepare_JsonNotSerializable_IsInvalidJsonException_AsTestPostJsonNan(double value)
    {
        var error = Assert.Throws<InvalidJsonException>(
            () => BodyRules.Prepare("POST", null, JsonBody.FromObject(new Dictionary<string, double> { ["foo"] = value }), null, JsonOptions));

        Assert.IsAssignableFrom<RequestException>(error);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Prepare_JsonCycle_IsInvalidJsonException_AsRequestsCircularReference()
    {
        var cycle = new Node();
        cycle.Next = cycle;

        var error = Assert.Throws<InvalidJsonException>(() => BodyRules.Prepare("POST", null, JsonBody.FromObject(cycle), null, JsonOptions));

        Assert.IsType<JsonException>(error.InnerException);
    }

    [Fact]
    public async Task Post_JsonNaN_IsInvalidJsonException_BeforeAnythingIsSent()
    {
        await using var raw = new Infrastructure.RawHttpServer();
        using var session = new Session();

        await Assert.ThrowsAsync<InvalidJsonException>(() => session.PostAsync(raw.BaseUrl + "/post", new() { Json = new { foo = double.NaN } }));

        Assert.Empty(raw.Requests);
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}
