using System.Text;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>The module-level tests of requests' tests/test_utils.py: what a response's headers and body give.</summary>
public sealed partial class TestUtils
{
    public static TheoryData<string, string[]> HeaderLinksCases => new()
    {
        { "<http:/.../front.jpeg>; rel=front; type=\"image/jpeg\"", ["url=http:/.../front.jpeg&rel=front&type=image/jpeg"] },
        { "<http:/.../front.jpeg>", ["url=http:/.../front.jpeg"] },
        { "<http:/.../front.jpeg>;", ["url=http:/.../front.jpeg"] },
        { "<http:/.../front.jpeg>; type=\"image/jpeg\",<http://.../back.jpeg>;", ["url=http:/.../front.jpeg&type=image/jpeg", "url=http://.../back.jpeg"] },
        { string.Empty, [] },
    };

    [Theory]
    [InlineData("application/xml", null)]
    [InlineData("application/json ; charset=utf-8", "utf-8")]
    [InlineData("application/json ; Charset=utf-8", "utf-8")]
    [InlineData("text/plain", "ISO-8859-1")]
    [InlineData("multipart/form-data; boundary = something ; boundary2='something_else' ; no_equals ", null)]
    [InlineData("multipart/form-data; boundary = something ; boundary2=\"something_else\" ; no_equals ", null)]
    [InlineData("multipart/form-data; boundary = something ; 'boundary2=something_else' ; no_equals ", null)]
    [InlineData("multipart/form-data; boundary = something ; \"boundary2=something_else\" ; no_equals ", null)]
    [InlineData("application/json ; ; ", "utf-8")]
    public async Task test__parse_content_type_header(string value, string? expected)
    {
        // What the parse yields shows in Response.Encoding: its charset parameter, else the type's default. The expected
        // values are requests' get_encoding_from_headers over the same Content-Type.
        using var r = await Observe.ResponseWith([$"Content-Type: {value}"], []);

        Assert.Equal(expected, r.Encoding?.WebName, ignoreCase: true);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("application/json; charset=utf-8", "utf-8")]
    [InlineData("text/plain", "ISO-8859-1")]
    [InlineData("text/html; charset", "ISO-8859-1")]
    public async Task test_get_encoding_from_headers(string? contentType, string? expected)
    {
        using var r = await Observe.ResponseWith(contentType is null ? [] : [$"content-type: {contentType}"], []);

        Assert.Equal(expected, r.Encoding?.WebName, ignoreCase: true);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("T", 1)]
    [InlineData("Test", 4)]
    [InlineData("Cont", 0)]
    [InlineData("Other", -5)]
    public async Task test_iter_slices(string value, int length)
    {
        // iter_slices is how iter_content hands out a body already read.
        using var r = await CannedResponse.GetAsync(Encoding.UTF8.GetBytes(value));

        if (length <= 0 && value.Length > 0)
        {
            // Reads all content at once.
            Assert.Equal(1, await r.IterContentAsync(length).CountAsync());
        }
        else
        {
            Assert.Equal(length, await r.IterContentAsync(1).CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(HeaderLinksCases))]
    public async Task test_parse_header_links(string value, string[] expected)
    {
        // parse_header_links is Response.Links, keyed by rel, else by url.
        var links = expected.Select(link => link.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1])).ToList();

        using var r = await Observe.ResponseWith([$"Link: {value}"], []);

        Assert.Equal(links.Count, r.Links.Count);
        foreach (var link in links)
        {
            var actual = r.Links[link.GetValueOrDefault("rel") ?? link["url"]];
            Assert.Equal(link["url"], actual.Url);
            Assert.Equal(link.Where(p => p.Key != "url").OrderBy(p => p.Key), actual.Parameters.OrderBy(p => p.Key));
        }
    }
}
