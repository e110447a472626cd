namespace Pipeline.Tests.Preparation;

// Accept/reject tables checked against requests 2.34's check_header_validity.
public sealed class HeaderRulesTests
{
    [Theory]
    [InlineData("X-A", "trail ")]
    [InlineData("X-A", "")]
    [InlineData("X-A", "a\tb")]
    [InlineData("X-A", "a b")]
    [InlineData("X-A", ":v")]
    [InlineData("X-A", "ü")]
    [InlineData("X-A", null)]
    public void Validate_AllowedByRequests_DoesNotThrow(string name, string? value)
    {
        var exception = Record.Exception(() => HeaderRules.Validate(name, value));

        Assert.Null(exception);
    }

    [Theory]
    [InlineData("X Y")]
    [InlineData("X\tY")]
    [InlineData("X ")]
    public void Validate_NameRequestsAcceptsButHttpCannotCarry_ThrowsInvalidHeaderBeforeSending(string name)
    {
        // Departure: requests' regex lets whitespace inside a name through; RFC 9110 field names are tokens and .NET
        // refuses to send them, so Pipeline rejects them up front with a clear message.
        var error = Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate(name, "v"));

        Assert.Contains("not an HTTP token", error.Message);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData(" x")]
    [InlineData("\tx")]
    [InlineData("a\rb")]
    [InlineData("a\r\n")]
    [InlineData("\n")]
    public void Validate_ValueWithLeadingWhitespaceOrLineBreak_ThrowsInvalidHeader(string value)
    {
        // Acceptance check 7; its third case (a non-string value such as 5) cannot be written against a string API.
        Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate("X-A", value));
    }

    [Theory]
    [InlineData(" X")]
    [InlineData("\tX")]
    [InlineData("X:Y")]
    [InlineData("X\nY")]
    [InlineData("X\rY")]
    [InlineData(":")]
    [InlineData("")]
    public void Validate_NameWithLeadingWhitespaceColonOrLineBreak_ThrowsInvalidHeader(string name)
    {
        Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate(name, "v"));
    }

    [Fact]
    public void Validate_InvalidValue_MessageHasRequestsWordingWithEscapedLineBreak()
    {
        var exception = Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate("X-A", "a\nb"));

        Assert.Equal(
            "Invalid leading whitespace, reserved character(s), or return character(s) in header value: 'a\\nb'",
            exception.Message);
    }

    [Fact]
    public void Validate_InvalidName_MessageHasRequestsWording()
    {
        var exception = Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate("X:Y", "v"));

        Assert.Equal(
            "Invalid leading whitespace, reserved character(s), or return character(s) in header name: 'X:Y'",
            exception.Message);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("proxy-authorization")]
    [InlineData("Cookie")]
    public void Validate_InvalidSensitiveValue_MessageDoesNotLeakTheValue(string name)
    {
        var exception = Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate(name, "Basic secret\r\nX: y"));

        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
        Assert.Contains("***", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidHeader_IsARequestException()
    {
        var exception = Assert.Throws<InvalidHeaderException>(() => HeaderRules.Validate("X-A", " x"));

        Assert.IsAssignableFrom<RequestException>(exception);
    }

    [Fact]
    public void ValidateAll_Null_DoesNotThrow()
    {
        var exception = Record.Exception(() => HeaderRules.ValidateAll(null));

        Assert.Null(exception);
    }

    [Fact]
    public void ValidateAll_OneInvalidValueAmongValid_ThrowsInvalidHeader()
    {
        var headers = new HeaderMap { ["X-A"] = "ok", ["X-B"] = "bad\r\nInjected: 1", ["X-C"] = null };

        Assert.Throws<InvalidHeaderException>(() => HeaderRules.ValidateAll(headers));
    }

    [Fact]
    public void ValidateAll_ValidHeadersAndRemovalMarkers_DoesNotThrow()
    {
        var headers = new HeaderMap { ["X-A"] = "ok", ["X-B"] = string.Empty, ["X-C"] = null };

        var exception = Record.Exception(() => HeaderRules.ValidateAll(headers));

        Assert.Null(exception);
    }

    [Fact]
    public void Merge_RequestHeaderDiffersOnlyInCase_OneHeaderWithRequestSpellingAndValue()
    {
        var session = new HeaderMap { ["X-Foo"] = "a" };
        var request = new HeaderMap { ["x-foo"] = "b" };

        var merged = HeaderRules.Merge(request, session);

        var pair = Assert.Single(merged);
        Assert.Equal("x-foo", pair.Key);
        Assert.Equal("b", pair.Value);
    }

    [Fact]
    public void Merge_OverriddenKey_KeepsSessionPositionAndNewKeysGoLast()
    {
        var session = new HeaderMap { ["A"] = "1", ["x-foo"] = "a", ["B"] = "2" };
        var request = new HeaderMap { ["X-Foo"] = "b", ["New"] = "n" };

        var merged = HeaderRules.Merge(request, session);

        Assert.Equal(
            [new("A", "1"), new("X-Foo", "b"), new("B", "2"), new("New", "n")],
            merged.ToArray<KeyValuePair<string, string?>>());
    }

    [Fact]
    public void Merge_NullRequestValue_RemovesSessionHeader()
    {
        var session = new HeaderMap { ["A"] = "1", ["x-foo"] = "a" };
        var request = new HeaderMap { ["X-Foo"] = null };

        var merged = HeaderRules.Merge(request, session);

        Assert.False(merged.ContainsKey("X-Foo"));
        Assert.Equal(["A"], merged.Keys);
    }

    [Fact]
    public void Merge_NullSessionValueOverriddenByRequest_KeepsRequestValue()
    {
        var session = new HeaderMap { ["X-Foo"] = null, ["X-Bar"] = null };
        var request = new HeaderMap { ["X-Foo"] = "a" };

        var merged = HeaderRules.Merge(request, session);

        Assert.Equal([new("X-Foo", "a")], merged.ToArray<KeyValuePair<string, string?>>());
    }

    [Fact]
    public void Merge_NoSession_ReturnsCopyOfRequestWithoutNulls()
    {
        var request = new HeaderMap { ["X-A"] = "1", ["X-B"] = null };

        var merged = HeaderRules.Merge(request, null);

        Assert.Equal([new("X-A", "1")], merged.ToArray<KeyValuePair<string, string?>>());
        Assert.NotSame(request, merged);
    }

    [Fact]
    public void Merge_NoRequest_ReturnsCopyOfSession()
    {
        var session = new HeaderMap { ["X-A"] = "1" };

        var merged = HeaderRules.Merge(null, session);
        merged["X-B"] = "2";

        Assert.Equal(["X-A"], session.Keys);
        Assert.Equal(["X-A", "X-B"], merged.Keys);
    }

    [Fact]
    public void Merge_Request_DoesNotChangeSessionOrRequest()
    {
        var session = new HeaderMap { ["X-Foo"] = "a", ["X-Gone"] = "g" };
        var request = new HeaderMap { ["x-foo"] = "b", ["X-Gone"] = null };

        HeaderRules.Merge(request, session);

        Assert.Equal([new("X-Foo", "a"), new("X-Gone", "g")], session.ToArray<KeyValuePair<string, string?>>());
        Assert.Equal([new("x-foo", "b"), new("X-Gone", null)], request.ToArray<KeyValuePair<string, string?>>());
    }

    [Fact]
    public void Merge_BothNull_ReturnsEmpty()
    {
        var merged = HeaderRules.Merge(null, null);

        Assert.Empty(merged);
    }

    [Theory]
    [InlineData("Content-Type", true)]
    [InlineData("content-length", true)]
    [InlineData("Content-Encoding", true)]
    [InlineData("Content-Disposition", true)]
    [InlineData("Expires", true)]
    [InlineData("Last-Modified", true)]
    [InlineData("Allow", true)]
    [InlineData("Accept", false)]
    [InlineData("Authorization", false)]
    [InlineData("Content-Foo", false)]
    [InlineData("CONTENT-MD5", true)]
    [InlineData("content-range", true)]
    [InlineData("Content-Language", true)]
    [InlineData("Content-Location", true)]
    [InlineData("X-Content-Type", false)]
    [InlineData("Content-Lengths", false)]
    [InlineData("Content-Encodin", false)]
    [InlineData("", false)]
    public void IsContentHeader_Name_MatchesHttpContentHeaders(string name, bool expected)
    {
        var isContent = HeaderRules.IsContentHeader(name);

        Assert.Equal(expected, isContent);
    }

    [Theory]
    [InlineData("Allow")]
    [InlineData("Content-Disposition")]
    [InlineData("Content-Encoding")]
    [InlineData("Content-Language")]
    [InlineData("Content-Length")]
    [InlineData("Content-Location")]
    [InlineData("Content-MD5")]
    [InlineData("Content-Range")]
    [InlineData("Content-Type")]
    [InlineData("Expires")]
    [InlineData("Last-Modified")]
    [InlineData("Accept")]
    [InlineData("Accept-Encoding")]
    [InlineData("User-Agent")]
    [InlineData("Connection")]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    [InlineData("Host")]
    [InlineData("X-Api-Key")]
    public void IsContentHeader_AgreesWithWhereDotNetAcceptsTheHeader(string name)
    {
        using var request = new HttpRequestMessage();
        var dotNetKeepsItOnContent = !request.Headers.TryAddWithoutValidation(name, "x");

        Assert.Equal(dotNetKeepsItOnContent, HeaderRules.IsContentHeader(name));
    }

    [Fact]
    public void Apply_ContentHeaderWithoutContent_CreatesEmptyContentToCarryIt()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://h/");

        HeaderRules.Apply(message, new HeaderMap { ["Content-Type"] = "text/plain", ["X-A"] = "1" }, overwrite: true);

        Assert.NotNull(message.Content);
        Assert.Equal("text/plain", message.Content.Headers.ContentType?.ToString());
        Assert.Equal(["1"], message.Headers.GetValues("X-A"));
        Assert.False(message.Headers.NonValidated.Contains("Content-Type"));
    }

    [Fact]
    public void Apply_ContentLengthAndRemovalMarkers_AreSkipped()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://h/") { Content = new ByteArrayContent([1, 2, 3]) };

        HeaderRules.Apply(message, new HeaderMap { ["Content-Length"] = "99", ["X-Gone"] = null }, overwrite: true);

        Assert.Equal(3, message.Content.Headers.ContentLength);
        Assert.False(message.Headers.Contains("X-Gone"));
    }

    [Fact]
    public void Apply_OverwriteFalse_KeepsHeaderAlreadyOnMessage()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        message.Headers.TryAddWithoutValidation("User-Agent", "mine");

        HeaderRules.Apply(message, new HeaderMap { ["user-agent"] = "default", ["Accept"] = "*/*" }, overwrite: false);

        Assert.Equal("mine", string.Join(" ", message.Headers.GetValues("User-Agent")));
        Assert.Equal("*/*", string.Join(" ", message.Headers.GetValues("Accept")));
    }

    [Fact]
    public void Apply_OverwriteTrue_ReplacesHeaderAlreadyOnMessage()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://h/") { Content = new StringContent("x") };
        message.Headers.TryAddWithoutValidation("X-A", "old");

        HeaderRules.Apply(message, new HeaderMap { ["x-a"] = "new", ["Content-Type"] = "application/x" }, overwrite: true);

        Assert.Equal(["new"], message.Headers.GetValues("X-A"));
        Assert.Equal("application/x", message.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public void Apply_NameRequestsAllowsButHttpRejects_ThrowsInvalidHeader()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://h/");

        var exception = Assert.Throws<InvalidHeaderException>(
            () => HeaderRules.Apply(message, new HeaderMap { ["X Y"] = "v" }, overwrite: true));

        Assert.Contains("'X Y'", exception.Message, StringComparison.Ordinal);
    }
}
