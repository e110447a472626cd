using System.Net;

namespace Pipeline.Tests.Responses;

// The status and encoding rules of Response, on in-memory messages (no HTTP); wire behaviour is in Models/ResponseTests.
public sealed class ResponseStatusTests
{
    [Theory]
    [InlineData(404, "Not Found", "404 Client Error: Not Found for url: http://h/x?q=1")]
    [InlineData(400, "Bad Request", "400 Client Error: Bad Request for url: http://h/x?q=1")]
    [InlineData(499, "Custom", "499 Client Error: Custom for url: http://h/x?q=1")]
    [InlineData(500, "Internal Server Error", "500 Server Error: Internal Server Error for url: http://h/x?q=1")]
    [InlineData(599, "Odd", "599 Server Error: Odd for url: http://h/x?q=1")]
    public void RaiseForStatus_4xxOr5xx_ThrowsWithRequestsWording(int status, string reason, string message)
    {
        // Acceptance check 47.
        using var response = Create(status, reason, "http://h/x?q=1");

        var exception = Assert.Throws<HttpErrorException>(() => response.RaiseForStatus());

        Assert.Equal(message, exception.Message);
        Assert.Same(response, exception.Response);
        Assert.False(response.Ok);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(302)]
    [InlineData(399)]
    [InlineData(600)]
    [InlineData(999)]
    public void RaiseForStatus_NotClientOrServerError_ReturnsResponseAndIsOk(int status)
    {
        using var response = Create(status, "Whatever", "http://h/");

        var returned = response.RaiseForStatus();

        Assert.Same(response, returned);
        Assert.True(response.Ok);
    }

    [Fact]
    public void RaiseForStatus_UrlWithUserInfo_MessageRedactsIt()
    {
        using var response = Create(401, "Unauthorized", "http://user:secret@h/x");

        var exception = Assert.Throws<HttpErrorException>(() => response.RaiseForStatus());

        Assert.Equal("401 Client Error: Unauthorized for url: http://***@h/x", exception.Message);
    }

    [Theory]
    [InlineData("text/html", 28591)]
    [InlineData("application/json", 65001)]
    [InlineData("text/plain; charset=\"utf-16\"", 1200)]
    public void Encoding_FromContentType_FollowsGetEncodingFromHeaders(string contentType, int codePage)
    {
        using var response = Create(200, "OK", "http://h/", [], contentType);

        Assert.Equal(codePage, response.Encoding?.CodePage);
    }

    [Fact]
    public async Task Text_TextHtmlWithoutCharset_GarblesUtf8AsRequests()
    {
        // Acceptance check 48: text/* without a charset is ISO-8859-1, so UTF-8 bytes come out garbled.
        using var response = Create(200, "OK", "http://h/", "café"u8.ToArray(), "text/html");
        await response.BufferAsync(CancellationToken.None);

        Assert.Equal("cafÃ©", response.Text);
    }

    [Fact]
    public async Task Text_NoContentType_EncodingIsNullAndTextIsDetected()
    {
        using var response = Create(200, "OK", "http://h/", "café"u8.ToArray(), null);
        await response.BufferAsync(CancellationToken.None);

        Assert.Null(response.Encoding);
        Assert.Equal("café", response.Text);
    }

    private static Response Create(int status, string reason, string url, byte[]? body = null, string? contentType = null)
    {
        var content = new ByteArrayContent(body ?? []);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        var message = new HttpResponseMessage((HttpStatusCode)status)
        {
            ReasonPhrase = reason,
            RequestMessage = new HttpRequestMessage(HttpMethod.Get, new Uri(url)),
            Content = content,
        };
        return new Response(message, null, TimeSpan.Zero, SessionSettings.CreateDefaultJsonOptions());
    }
}
