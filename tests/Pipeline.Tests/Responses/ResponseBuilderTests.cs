using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Responses;

public sealed class ResponseBuilderTests
{
    [Fact]
    public async Task ForHopAsync_NotStreaming_RecordsBufferedResponse_AsBuildResponse()
    {
        var context = Contexts.With();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/x");
        using var message = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("body"), RequestMessage = request };

        var response = await ResponseBuilder.ForHopAsync(request, message, context, CancellationToken.None);

        Assert.Same(response, context.HopResponse);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("http://h/x", response.Url);
        Assert.Equal("body", response.Text);
    }

    [Fact]
    public async Task ForHopAsync_Stream_ResponseIsNotBuffered()
    {
        var context = Contexts.With(stream: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        using var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };

        var response = await ResponseBuilder.ForHopAsync(request, message, context, CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => response.Content);
        await response.ReadContentAsync();
        Assert.Equal("ok", response.Text);
    }

    [Fact]
    public async Task ForHopAsync_SameHopTwice_ReturnsTheRecordedResponse_ElseBuildsTheNextHops()
    {
        var context = Contexts.With();
        using var first = new HttpRequestMessage(HttpMethod.Get, "http://h/a");
        using var second = new HttpRequestMessage(HttpMethod.Get, "http://h/b");
        using var firstMessage = new HttpResponseMessage(HttpStatusCode.Found);
        using var secondMessage = new HttpResponseMessage(HttpStatusCode.OK);

        var built = await ResponseBuilder.ForHopAsync(first, firstMessage, context, CancellationToken.None);
        var again = await ResponseBuilder.ForHopAsync(first, firstMessage, context, CancellationToken.None);
        var next = await ResponseBuilder.ForHopAsync(second, secondMessage, context, CancellationToken.None);

        Assert.Same(built, again);
        Assert.NotSame(built, next);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Same(next, context.HopResponse);
    }

    [Fact]
    public async Task BuildAsync_AuthAnsweredA401_ChallengeBecomesHistory_AsHandle401()
    {
        // Arrange: the auth scheme re-sent the hop once; its copy carries the 401 it answered.
        var context = Contexts.With();
        using var hop = new HttpRequestMessage(HttpMethod.Get, "http://h/secret");
        using var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("who?"), RequestMessage = hop };
        using var retry = new HttpRequestMessage(HttpMethod.Get, "http://h/secret");
        retry.Options.Set(AuthRetry.HistoryKey, [challenge]);
        using var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("in"), RequestMessage = retry };

        // Act
        var response = await ResponseBuilder.BuildAsync(hop, message, context, CancellationToken.None);

        // Assert
        var earlier = Assert.Single(response.History);
        Assert.Equal(HttpStatusCode.Unauthorized, earlier.StatusCode);
        Assert.Equal("who?", earlier.Text);
        Assert.Equal("in", response.Text);
        Assert.Null(context.HopResponse);
    }
}
