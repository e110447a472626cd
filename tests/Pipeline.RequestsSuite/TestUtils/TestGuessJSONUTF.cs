using System.Text;
using System.Text.Json;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>
/// requests' tests/test_utils.py <c>TestGuessJSONUTF</c>: <c>guess_json_utf</c> is how <see cref="Response.Json()"/>
/// decodes a body whose Content-Type names no charset; a right guess shows as the JSON read back.
/// </summary>
public sealed class TestGuessJSONUTF
{
    [Theory]
    [InlineData("utf-32")]
    [InlineData("utf-8-sig")]
    [InlineData("utf-16")]
    [InlineData("utf-8")]
    [InlineData("utf-16-be")]
    [InlineData("utf-16-le")]
    [InlineData("utf-32-be")]
    [InlineData("utf-32-le")]
    public async Task test_encoded(string encoding)
    {
        var data = Encode("{}", encoding);

        using var r = await CannedResponse.GetAsync(data);

        AssertEmptyObject(r.Json());
    }

    [Fact]
    public async Task test_bad_utf_like_encoding()
    {
        // No UTF guessed: requests decodes the text as detected, and the JSON decode fails.
        using var r = await CannedResponse.GetAsync([0, 0, 0, 0]);

        Assert.NotNull(Record.Exception(() => r.Json()));
    }

    [Theory]
    [InlineData("utf-16-be")]
    [InlineData("utf-16-le")]
    [InlineData("utf-32-be")]
    [InlineData("utf-32-le")]
    public async Task test_guess_by_bom(string encoding)
    {
        // requests guesses "utf-16" or "utf-32", the codecs that read the BOM, so the BOM is not part of the JSON text.
        var data = Encode("\ufeff{}", encoding);

        using var r = await CannedResponse.GetAsync(data);

        AssertEmptyObject(r.Json());
    }

    /// <summary>Python's <c>str.encode(encoding)</c>: "utf-16", "utf-32" and "utf-8-sig" write a BOM (little-endian), the others none.</summary>
    private static byte[] Encode(string text, string encoding)
    {
        Encoding codec = encoding switch
        {
            "utf-8" or "utf-8-sig" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            "utf-16" or "utf-16-le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "utf-16-be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            "utf-32" or "utf-32-le" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            "utf-32-be" => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
        };
        byte[] bom = encoding is "utf-8-sig" or "utf-16" or "utf-32" ? codec.GetPreamble() : [];
        return [.. bom, .. codec.GetBytes(text)];
    }

    private static void AssertEmptyObject(JsonElement json)
    {
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Empty(json.EnumerateObject());
    }
}
