using System.Text;

namespace Pipeline.Tests.Responses;

// requests' get_encoding_from_headers and guess_json_utf (utils.py), checked against requests 2.34.
public sealed class EncodingRulesTests
{
    [Theory]
    [InlineData("text/html; charset=\"utf-8\"", 65001)]
    [InlineData("text/html; charset='ISO-8859-2'", 28592)]
    [InlineData("text/plain;charset=UTF-8", 65001)]
    [InlineData("text/html; CHARSET=windows-1252", 1252)]
    [InlineData("text/html; charset=\" iso-8859-2 \"", 28592)]
    [InlineData("application/json; charset=utf-16", 1200)]
    [InlineData("application/octet-stream; charset=latin1", 28591)]
    [InlineData("text/html; q=1; charset=koi8-r", 20866)]
    [InlineData("text/html; charset=cp1251", 1251)]
    public void GetEncodingFromHeaders_CharsetParameter_WinsWithQuotesAndSpacesStripped(string contentType, int codePage)
    {
        var encoding = EncodingRules.GetEncodingFromHeaders(contentType);

        Assert.Equal(codePage, encoding?.CodePage);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/plain")]
    [InlineData("text/csv; header=present")]
    [InlineData("application/vnd.oasis.opendocument.text")]
    public void GetEncodingFromHeaders_TextWithoutCharset_IsIso88591(string contentType)
    {
        var encoding = EncodingRules.GetEncodingFromHeaders(contentType);

        Assert.Equal(28591, encoding?.CodePage);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; indent=2")]
    public void GetEncodingFromHeaders_JsonWithoutCharset_IsUtf8(string contentType)
    {
        var encoding = EncodingRules.GetEncodingFromHeaders(contentType);

        Assert.Equal(65001, encoding?.CodePage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/octet-stream")]
    [InlineData("image/png")]
    [InlineData("application/problem+json")]
    [InlineData("TEXT/HTML")]
    [InlineData("Application/JSON")]
    public void GetEncodingFromHeaders_NoCharsetNotTextNotJson_IsNull(string? contentType)
    {
        var encoding = EncodingRules.GetEncodingFromHeaders(contentType);

        Assert.Null(encoding);
    }

    [Fact]
    public void GetEncodingFromHeaders_UnknownCharset_FallsBackToUtf8AsRequestsText()
    {
        var encoding = EncodingRules.GetEncodingFromHeaders("text/html; charset=no-such-codec");

        Assert.Equal(65001, encoding?.CodePage);
    }

    [Fact]
    public void GetEncodingFromHeaders_TextHtmlWithoutCharset_GarblesUtf8Text()
    {
        // Acceptance check 48: the ISO-8859-1 default for text/* decodes UTF-8 bytes as mojibake, as requests does.
        var encoding = EncodingRules.GetEncodingFromHeaders("text/html")!;

        var text = encoding.GetString("café"u8);

        Assert.Equal("cafÃ©", text);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a' }, 65001)]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'a', 0 }, 1200)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0, (byte)'a' }, 1201)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0, 0 }, 12000)]
    [InlineData(new byte[] { 0, 0, 0xFE, 0xFF }, 12001)]
    [InlineData(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9 }, 65001)]
    [InlineData(new byte[] { (byte)'a', (byte)'b' }, 65001)]
    [InlineData(new byte[] { }, 65001)]
    [InlineData(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9 }, 1252)]
    [InlineData(new byte[] { 0x93, (byte)'q', 0x94 }, 1252)]
    public void DetectEncoding_Bytes_BomThenValidUtf8ThenWindows1252(byte[] content, int codePage)
    {
        var encoding = EncodingRules.DetectEncoding(content);

        Assert.Equal(codePage, encoding.CodePage);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0xFE, 0xFF, 0, 0, 0, (byte)'{' }, 12001)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0, 0, (byte)'{', 0, 0, 0 }, 12000)]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}' }, 65001)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0, (byte)'{', 0, (byte)'}' }, 1201)]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0 }, 1200)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"' }, 65001)]
    [InlineData(new byte[] { 0, (byte)'{', 0, (byte)'"' }, 1201)]
    [InlineData(new byte[] { (byte)'{', 0, (byte)'"', 0 }, 1200)]
    [InlineData(new byte[] { 0, 0, 0, (byte)'{' }, 12001)]
    [InlineData(new byte[] { (byte)'{', 0, 0, 0 }, 12000)]
    public void GuessJsonUtf_BomOrNullPattern_MatchesRequests(byte[] content, int codePage)
    {
        var encoding = EncodingRules.GuessJsonUtf(content);

        Assert.Equal(codePage, encoding!.CodePage);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, (byte)'{', 0 })]
    [InlineData(new byte[] { 0, (byte)'{', 0, 0 })]
    [InlineData(new byte[] { (byte)'{', 0, 0, (byte)'"' })]
    [InlineData(new byte[] { 0, (byte)'{', (byte)'"', (byte)'a' })]
    [InlineData(new byte[] { (byte)'{', (byte)'}' })]
    public void GuessJsonUtf_NoRecognisedPattern_IsNull_AsRequestsNone(byte[] content)
    {
        // requests returns None here, and json() decodes the text instead.
        var encoding = EncodingRules.GuessJsonUtf(content);

        Assert.Null(encoding);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, (byte)'{' })]
    [InlineData(new byte[] { (byte)'{', 0, 0, 0 })]
    [InlineData(new byte[] { 0, (byte)'{', 0, (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', 0, (byte)'}', 0 })]
    public void GuessJsonUtf_GuessedEncoding_DecodesTheJson(byte[] content)
    {
        var encoding = EncodingRules.GuessJsonUtf(content);

        Assert.StartsWith("{", encoding!.GetString(content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-8", 65001)]
    [InlineData("latin1", 28591)]
    [InlineData("windows-1252", 1252)]
    [InlineData("shift_jis", 932)]
    [InlineData("iso-8859-2", 28592)]
    public void Lookup_KnownName_IncludingCodePages_ReturnsEncoding(string name, int codePage)
    {
        var encoding = EncodingRules.Lookup(name);

        Assert.Equal(codePage, encoding?.CodePage);
    }

    [Theory]
    [InlineData("utf8", 65001)]
    [InlineData("utf_8", 65001)]
    [InlineData("UTF8", 65001)]
    [InlineData("cp1251", 1251)]
    [InlineData("CP1252", 1252)]
    [InlineData("cp437", 437)]
    [InlineData("iso8859_2", 28592)]
    [InlineData("iso8859-15", 28605)]
    [InlineData("latin_1", 28591)]
    public void Lookup_PythonCodecSpelling_ReturnsEncoding(string name, int codePage)
    {
        var encoding = EncodingRules.Lookup(name);

        Assert.Equal(codePage, encoding?.CodePage);
    }

    [Theory]
    [InlineData("no-such-codec")]
    [InlineData("")]
    [InlineData("cp")]
    [InlineData("cp99999")]
    [InlineData("iso8859")]
    public void Lookup_UnknownName_ReturnsNull(string name)
    {
        var encoding = EncodingRules.Lookup(name);

        Assert.Null(encoding);
    }

    [Fact]
    public void PreambleLength_Utf8Bom_IsThree()
    {
        var length = EncodingRules.PreambleLength([0xEF, 0xBB, 0xBF, (byte)'a'], Encoding.UTF8);

        Assert.Equal(3, length);
    }

    [Fact]
    public void PreambleLength_Utf16LeBom_IsTwo()
    {
        var length = EncodingRules.PreambleLength([0xFF, 0xFE, (byte)'a', 0], Encoding.Unicode);

        Assert.Equal(2, length);
    }

    [Fact]
    public void PreambleLength_NoBom_IsZero()
    {
        var length = EncodingRules.PreambleLength("abc"u8, Encoding.UTF8);

        Assert.Equal(0, length);
    }

    [Fact]
    public void PreambleLength_EncodingWithoutPreamble_IsZero()
    {
        var length = EncodingRules.PreambleLength([0xEF, 0xBB, 0xBF], Encoding.Latin1);

        Assert.Equal(0, length);
    }
}
