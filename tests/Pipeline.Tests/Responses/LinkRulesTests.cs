namespace Pipeline.Tests.Responses;

// requests' parse_header_links and Response.links (keyed by rel, else url), checked against requests 2.34.
public sealed class LinkRulesTests
{
    [Fact]
    public void Parse_PaginationHeader_KeysLinksByRel()
    {
        var links = LinkRules.Parse("<https://api.example.com/x?page=2>; rel=\"next\", <https://api.example.com/x?page=5>; rel=\"last\"");

        Assert.Equal(2, links.Count);
        Assert.Equal("https://api.example.com/x?page=2", links["next"].Url);
        Assert.Equal("https://api.example.com/x?page=5", links["last"].Url);
        Assert.Equal("last", links["last"].Rel);
    }

    [Fact]
    public void Parse_RequestsDocstringExample_ParsesUnquotedAndQuotedParams()
    {
        var links = LinkRules.Parse("<http:/.../front.jpeg>; rel=front; type=\"image/jpeg\",<http://.../back.jpeg>; rel=back;type=\"image/jpeg\"");

        Assert.Equal("http:/.../front.jpeg", links["front"].Url);
        Assert.Equal("image/jpeg", links["front"].Parameters["type"]);
        Assert.Equal("http://.../back.jpeg", links["back"].Url);
        Assert.Equal("image/jpeg", links["back"].Parameters["type"]);
    }

    [Fact]
    public void Parse_LinkWithoutRel_IsKeyedByUrl()
    {
        var links = LinkRules.Parse("<http://h/a>");

        var link = Assert.Single(links);
        Assert.Equal("http://h/a", link.Key);
        Assert.Null(link.Value.Rel);
        Assert.Empty(link.Value.Parameters);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" '\" ")]
    public void Parse_EmptyHeader_ReturnsNoLinks(string? header)
    {
        var links = LinkRules.Parse(header);

        Assert.Empty(links);
    }

    [Fact]
    public void Parse_CommaInsideUrl_BelongsToTheUrl()
    {
        var links = LinkRules.Parse("<http://h/a,b>; rel=x");

        Assert.Equal("http://h/a,b", Assert.Single(links).Value.Url);
    }

    [Fact]
    public void Parse_CommaInsideQuotedParameter_DoesNotSplitTheLink()
    {
        var links = LinkRules.Parse("<http://a>; rel=\"next\"; title=\"a, b\", <http://b>; rel=\"last\"");

        Assert.Equal(["last", "next"], links.Keys.Order());
        Assert.Equal("a, b", links["next"].Parameters["title"]);
        Assert.Equal("http://b", links["last"].Url);
    }

    [Fact]
    public void Parse_NoSpaceAfterComma_SplitsLinks()
    {
        var links = LinkRules.Parse("<a>;rel=a,<b>;rel=b");

        Assert.Equal("a", links["a"].Url);
        Assert.Equal("b", links["b"].Url);
    }

    [Fact]
    public void Parse_HeaderWrappedInQuotesAndSpaces_IsTrimmed()
    {
        var links = LinkRules.Parse(" \"<a>; rel=\"next\"\" ");

        Assert.Equal("a", links["next"].Url);
    }

    [Fact]
    public void Parse_SameRelTwice_LastLinkWins()
    {
        var links = LinkRules.Parse("<http://first>; rel=next, <http://second>; rel=next");

        Assert.Equal("http://second", Assert.Single(links).Value.Url);
    }

    [Fact]
    public void Parse_ParameterNames_AreLowerCasedAndLookupIgnoresCase()
    {
        var links = LinkRules.Parse("<http://h>; REL=next; Type=text/html");

        var link = links["next"];
        Assert.Equal("text/html", link.Parameters["type"]);
        Assert.Equal("text/html", link.Parameters["TYPE"]);
    }

    [Fact]
    public void Parse_ParameterWithoutValue_IsSkipped()
    {
        var links = LinkRules.Parse("<http://h>; rel=next; crossorigin");

        Assert.Equal(["rel"], links["next"].Parameters.Keys);
    }

    [Fact]
    public void Link_ToString_IsHeaderForm()
    {
        var link = LinkRules.Parse("<http://h>; rel=next")["next"];

        Assert.Equal("<http://h>; rel=\"next\"", link.ToString());
    }
}
